"""The small server-rendered web page: search with filters, and a document view."""
