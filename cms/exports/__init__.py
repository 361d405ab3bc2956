"""What the features' exports share: PDF (WeasyPrint) and file downloads.

Each feature builds its own exports (``cms.reglement.exports``, ``cms.dossiers.exports``);
the formula-safe CSV is ``shared.spreadsheet``.

Every export is served by a route of the page it exports (``RoutablePageMixin``), so
Wagtail's view restrictions run first, and its content is chosen for the reader with
``cms.access`` exactly as the page is. ``pdf`` turns a template into a PDF without ever
reaching the network; ``downloads`` names the files.
"""
