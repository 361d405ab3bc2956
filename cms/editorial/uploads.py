"""Checking the files a member attaches to a proposal: kind, content, size and number.

The extension says what a file claims to be; its first bytes (and, for office documents, the
archive's table of contents) must agree. These checks are cheap and catch renamed files.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_FILES = 5
ALLOWED_EXTENSIONS = ("pdf", "odt", "docx", "txt", "png", "jpg", "jpeg")
HEAD_SIZE = 2048


def _head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_SIZE)
    upload.seek(0)
    return head


def _zip_names(upload: UploadedFile) -> set[str]:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()
    finally:
        upload.seek(0)


def _is_text(upload: UploadedFile) -> bool:
    """Plain text in any common encoding has no NUL byte; binary files nearly always do."""
    upload.seek(0)
    try:
        return not any(b"\x00" in chunk for chunk in upload.chunks())
    finally:
        upload.seek(0)


def content_matches(upload: UploadedFile, extension: str) -> bool:
    """Whether the file's content is what its extension announces."""
    head = _head(upload)
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "odt":
        return head.startswith(b"PK\x03\x04") and (
            b"mimetypeapplication/vnd.oasis.opendocument.text" in head[:100]
        )
    if extension == "docx":
        return head.startswith(b"PK\x03\x04") and "word/document.xml" in _zip_names(upload)
    if extension == "txt":
        return _is_text(upload)
    return False


def check_file(upload: UploadedFile) -> None:
    """Raise a French ValidationError naming the file when it may not be attached."""
    name = PurePath(upload.name or "").name or "sans nom"
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            "« %(name)s » : ce type de fichier n'est pas accepté. Formats acceptés : "
            "PDF, ODT, DOCX, TXT, PNG, JPG.",
            params={"name": name},
            code="extension",
        )
    size = upload.size or 0  # None only for a file object that was never measured
    if size > MAX_FILE_SIZE:
        raise ValidationError(
            "« %(name)s » est trop lourd (%(size)s) : %(max)s au maximum par fichier.",
            params={
                "name": name,
                "size": filesizeformat(size),
                "max": filesizeformat(MAX_FILE_SIZE),
            },
            code="size",
        )
    if upload.size == 0:
        raise ValidationError("« %(name)s » est vide.", params={"name": name}, code="empty")
    if not content_matches(upload, extension):
        raise ValidationError(
            "« %(name)s » ne contient pas un fichier %(kind)s valide : il est peut-être "
            "abîmé ou renommé.",
            params={"name": name, "kind": extension.upper()},
            code="content",
        )


def check_files(uploads: Iterable[UploadedFile]) -> list[UploadedFile]:
    """Check every file; all the problems are reported at once."""
    uploads = list(uploads)
    errors: list[ValidationError] = []
    if len(uploads) > MAX_FILES:
        errors.append(
            ValidationError(
                "Vous avez joint %(count)s fichiers : %(max)s au maximum.",
                params={"count": len(uploads), "max": MAX_FILES},
                code="too_many",
            )
        )
    for upload in uploads:
        try:
            check_file(upload)
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return uploads
