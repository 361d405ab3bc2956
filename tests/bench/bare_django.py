"""A bare Django application: one view, no middleware, no database, no template.

The yardstick of ``tests/bench/http_bench.py``: what gunicorn and Django cost before any
work of ours (``gunicorn tests.bench.bare_django:application``).
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    SECRET_KEY="bare-django-bench-not-a-secret-" + "x" * 40,
)


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Bonjour", content_type="text/plain; charset=utf-8")


urlpatterns = [path("", hello)]
application = get_wsgi_application()
