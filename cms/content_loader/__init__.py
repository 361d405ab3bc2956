"""Load colleges, territories, organisations, users and pages from one JSON document.

``ContentLoader`` (``loader``) is the entry point; each module of this package does one
job: reading values (``values``), writing what changed (``writing``), people
(``people``), the page tree (``page_tree``) and each page type's fields
(``page_fields``, ``reglement_fields``).
"""

from cms.content_loader.errors import ContentError
from cms.content_loader.loader import ContentLoader
from cms.content_loader.richtext import text_paragraphs, text_to_html

__all__ = ["ContentError", "ContentLoader", "text_paragraphs", "text_to_html"]
