"""Load colleges, territories, organisations, users and pages from one JSON document.

``ContentLoader`` is the entry point; the modules of this package each do one job.
"""

from cms.content_loader.loader import ContentError, ContentLoader, text_paragraphs, text_to_html

__all__ = ["ContentError", "ContentLoader", "text_paragraphs", "text_to_html"]
