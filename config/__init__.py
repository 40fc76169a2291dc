"""Configuration: one typed settings model for the whole of docpipe."""

from config.settings import STAGES, Settings, get_settings

__all__ = ["STAGES", "Settings", "get_settings"]
