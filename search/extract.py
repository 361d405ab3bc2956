"""Plain text out of attached files (PDF, DOCX, ODT, text), in Python only."""

from __future__ import annotations

import logging
import zipfile
from pathlib import PurePosixPath
from xml.etree import ElementTree

logger = logging.getLogger(__name__)

MAX_TEXT = 200_000  # characters kept per file: enough for search, bounded for the index
WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ODF_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _pdf_text(handle) -> str:
    from pypdf import PdfReader

    reader = PdfReader(handle)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _xml_paragraphs(data: bytes, paragraph_tag: str) -> str:
    root = ElementTree.fromstring(data)
    return "\n".join("".join(node.itertext()) for node in root.iter(paragraph_tag))


def _docx_text(handle) -> str:
    with zipfile.ZipFile(handle) as archive:
        return _xml_paragraphs(archive.read("word/document.xml"), f"{WORD_NS}p")


def _odt_text(handle) -> str:
    with zipfile.ZipFile(handle) as archive:
        data = archive.read("content.xml")
    root = ElementTree.fromstring(data)
    parts = [
        "".join(node.itertext())
        for node in root.iter()
        if node.tag in (f"{ODF_TEXT_NS}p", f"{ODF_TEXT_NS}h")
    ]
    return "\n".join(parts)


def _plain_text(handle) -> str:
    return handle.read().decode("utf-8", errors="replace")


EXTRACTORS = {
    ".pdf": _pdf_text,
    ".docx": _docx_text,
    ".odt": _odt_text,
    ".txt": _plain_text,
    ".csv": _plain_text,
}


def extract_text(file_field) -> str:
    """The text of a stored file, or '' when its type is not handled or it cannot be read."""
    extractor = EXTRACTORS.get(PurePosixPath(file_field.name).suffix.lower())
    if extractor is None:
        return ""
    try:
        with file_field.open("rb") as handle:
            return extractor(handle)[:MAX_TEXT]
    except Exception:  # a damaged upload must not stop indexing
        logger.warning("Texte illisible dans %s", file_field.name, exc_info=True)
        return ""
