"""A member's photo: checked, cleaned and stored as a Wagtail image of its own collection.

The file a member sends is read by Pillow, whatever its name says: only a real JPEG, PNG
or WebP image of a reasonable size is kept. It is then re-encoded, turned upright and
made smaller, so that nothing of the original file's metadata (EXIF: the camera, the
date, the place where the photo was taken) is stored. Pages show its square rendition
(``RENDITION``, Wagtail's ``fill-256x256``), made at once.

The image lives in the collection « Photos des membres » (only coordination, which holds
the rights over every collection, sees it in the admin), under a neutral file name (an
uploaded name may spell a surname a pseudonym hides). Who may open the file is decided
by its owner's choice (``members.visibility.photo_visible_to``), checked by the media
view before any byte is sent.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Prefetch
from PIL import Image as PillowImage
from PIL import ImageOps, UnidentifiedImageError
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Collection

from members import audit
from members.models import Member

COLLECTION_NAME = "Photos des membres"
RENDITION = "fill-256x256"
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 7 000 × 5 700 photo; beyond, decoding alone is a risk
MIN_SIDE = 100
STORED_SIDE = 1024  # the kept original, enough for any rendition the site makes
# Pillow's name of each accepted format, and how its cleaned copy is written.
FORMATS: dict[str, tuple[str, dict[str, int | bool]]] = {
    "JPEG": ("jpg", {"quality": 88, "optimize": True}),
    "PNG": ("png", {"optimize": True}),
    "WEBP": ("webp", {"quality": 85}),
}

TOO_BIG = (
    "Cette photo est trop lourde : elle doit faire au plus 5 Mo. Choisissez-en une plus légère."
)
NOT_AN_IMAGE = (
    "Ce fichier n'est pas une photo que nous savons lire. Choisissez une photo au format "
    "JPEG, PNG ou WebP (les formats habituels des téléphones et des appareils photo)."
)
TOO_SMALL = (
    f"Cette photo est trop petite : elle doit faire au moins {MIN_SIDE} × {MIN_SIDE} points. "
    "Choisissez-en une plus grande."
)
TOO_MANY_PIXELS = "Cette photo est trop grande pour être lue. Choisissez-en une plus petite."


class PhotoRefused(Exception):
    """A file that cannot be a member's photo; ``message`` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CleanPhoto:
    """The re-encoded photo, ready to store: no metadata, upright, at most STORED_SIDE."""

    content: bytes
    extension: str


def clean_upload(upload: UploadedFile) -> CleanPhoto:
    """The photo in ``upload`` as we keep it; PhotoRefused when it cannot be one."""
    if upload.size is None or upload.size > MAX_BYTES:
        raise PhotoRefused(TOO_BIG)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoRefused(TOO_BIG)
    return clean_bytes(data)


def clean_bytes(data: bytes) -> CleanPhoto:
    try:
        with PillowImage.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format not in FORMATS:
                raise PhotoRefused(NOT_AN_IMAGE)
            if width * height > MAX_PIXELS:
                raise PhotoRefused(TOO_MANY_PIXELS)
            probe.verify()
        with PillowImage.open(io.BytesIO(data)) as opened:
            opened.load()
            picture = ImageOps.exif_transpose(opened) or opened
            return _reencoded(picture, image_format)
    except PhotoRefused:
        raise
    except PillowImage.DecompressionBombError:
        raise PhotoRefused(TOO_MANY_PIXELS) from None
    # A damaged or disguised file makes Pillow fail in many ways; every one means the same.
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError, EOFError):
        raise PhotoRefused(NOT_AN_IMAGE) from None


def _reencoded(picture: PillowImage.Image, image_format: str) -> CleanPhoto:
    if min(picture.size) < MIN_SIDE:
        raise PhotoRefused(TOO_SMALL)
    extension, options = FORMATS[image_format]
    if image_format == "JPEG":
        picture = picture.convert("RGB")
    elif picture.mode not in ("RGB", "RGBA"):
        picture = picture.convert("RGBA" if "transparency" in picture.info else "RGB")
    # A new image holds the pixels only: no EXIF, XMP, ICC comment or PNG text chunk.
    clean = PillowImage.new(picture.mode, picture.size)
    clean.paste(picture)
    clean.thumbnail((STORED_SIDE, STORED_SIDE))
    output = io.BytesIO()
    clean.save(output, format=image_format, **options)
    return CleanPhoto(output.getvalue(), extension)


def photos_collection() -> Collection:
    """The collection that holds the members' photos (created on first use)."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=COLLECTION_NAME).first()
    return existing or root.add_child(name=COLLECTION_NAME)


def is_member_photo(image) -> bool:
    """Whether this image is kept in the members' photos collection."""
    return Collection.objects.filter(pk=image.collection_id, name=COLLECTION_NAME).exists()


@transaction.atomic
def set_photo(member: Member, photo: CleanPhoto, by_user=None) -> None:
    """Make ``photo`` the member's, with its square rendition; the old one is deleted."""
    Image = get_image_model()
    name = f"membre-{member.pk}-{secrets.token_hex(6)}.{photo.extension}"
    image = Image(
        title=f"Photo de {member}",
        collection=photos_collection(),
        file=ContentFile(photo.content, name=name),
    )
    image.save()
    image.get_rendition(RENDITION)
    previous = member.photo
    member.photo = image
    member.save(update_fields=["photo"])
    if previous is not None:
        _delete(previous)
    log(instance=member, action=audit.PHOTO_CHANGED, user=by_user)


@transaction.atomic
def remove_photo(member: Member, by_user=None) -> bool:
    """Delete the member's photo and its files; False when there was none."""
    previous = member.photo
    if previous is None:
        return False
    member.photo = None
    member.save(update_fields=["photo"])
    _delete(previous)
    log(instance=member, action=audit.PHOTO_REMOVED, user=by_user)
    return True


def _delete(image) -> None:
    # Only a photo of our collection is deleted: an image chosen elsewhere stays.
    if is_member_photo(image):
        # Wagtail removes the files of the image and of its renditions after the commit.
        image.delete()


def with_photo_renditions(members):
    """Members with their photo and its square rendition, in two more queries for a list."""
    Rendition = get_image_model().get_rendition_model()
    return members.select_related("photo").prefetch_related(
        Prefetch(
            "photo__renditions",
            queryset=Rendition.objects.filter(filter_spec=RENDITION),
            to_attr="prefetched_renditions",
        )
    )


def rendition_url(member: Member) -> str:
    """The address of the member's square photo, or "" without one (or when it is broken)."""
    if member.photo is None:
        return ""
    try:
        return member.photo.get_rendition(RENDITION).url
    except (OSError, ValueError):
        # A file gone missing on disk must not break the directory: initials are shown.
        return ""
