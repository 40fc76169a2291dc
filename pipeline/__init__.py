"""Pure stage logic of docpipe: no Celery, Redis or boto3 here.

One module per stage, each a function over the typed model in ``pipeline.model``:
``extract.extract``, ``clean.clean``, ``segment.segment``, ``diff.diff`` and
``index.index_rows``.
"""
