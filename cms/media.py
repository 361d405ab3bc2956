"""Uploaded files go through Django, so that page visibility applies to them.

Documents are served by Wagtail's document view (with our ``before_serve_document``
hook); images and their renditions by ``serve_media`` below (a member's photo follows
its owner's choice of who may see it, ``members.visibility.photo_visible_to``). Nothing under
MEDIA_ROOT is served directly: a reverse proxy in front must route ``/media/`` here;
behind nginx, the bytes go out by ``X-Accel-Redirect`` once the check passed (cms/accel.py).
"""

from __future__ import annotations

import mimetypes

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control
from wagtail.images import get_image_model

from cms.accel import accel_enabled, accelerated
from cms.access import can_view_file
from members.photos import is_member_photo
from members.visibility import photo_visible_to


def image_for_media_path(path: str):
    """The image behind an original file or one of its renditions, or None."""
    Image = get_image_model()
    if path.startswith("original_images/"):
        return Image.objects.filter(file=path).first()
    if path.startswith("images/"):
        rendition = Image.get_rendition_model().objects.filter(file=path).select_related("image")
        rendition = rendition.first()
        return rendition.image if rendition else None
    return None


def refuse(request: HttpRequest):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _exists(path: str) -> bool:
    try:
        return default_storage.exists(path)
    except SuspiciousFileOperation:
        return False


def serve_media(request: HttpRequest, path: str):
    image = image_for_media_path(path)
    if image is None:
        raise Http404
    # A member's photo opens only to whom its owner chose (members.photos), like the directory;
    # the rule of the pages that use an image never widens it.
    if is_member_photo(image):
        allowed = photo_visible_to(request.user, image)
    else:
        allowed = can_view_file(request.user, image)
    if not allowed:
        return refuse(request)
    content_type = mimetypes.guess_type(path)[0]
    response: HttpResponseBase
    if accel_enabled():
        if not _exists(path):
            raise Http404
        response = accelerated(path, content_type)
    else:
        try:
            handle = default_storage.open(path)
        except (FileNotFoundError, SuspiciousFileOperation):
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
    # Restricted files must not be kept by shared caches.
    patch_cache_control(response, private=True, max_age=3600)
    return response
