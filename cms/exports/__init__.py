"""Downloads made on the server: PDF (WeasyPrint) and CSV.

Every export is served by a route of the page it exports (``RoutablePageMixin``), so
Wagtail's view restrictions run first, and its content is chosen for the reader with
``cms.access`` exactly as the page is. ``pdf`` turns a template into a PDF without ever
reaching the network; ``downloads`` names the files.
"""
