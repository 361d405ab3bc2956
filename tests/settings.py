"""Test settings: the project's settings with plain HTTP and fast password hashing."""

import os

from cms.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests choose their search stores themselves (see tests/search): none by default.
ELASTICSEARCH_URL = ""
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The breaker's probe runs in a thread, which an in-memory test database cannot follow:
# tests probe by calling search.service.probe().
SEARCH_BREAKER_BACKGROUND_PROBE = False
# The deployment tests' processes (tests/test_deploy_stack.py) are servers of their own, on
# disk databases: they search on the stack's node and probe it in the background, as in
# production. (ELASTICSEARCH_URL is the test session's node, which they must not touch.)
if os.environ.get("STACK_ELASTICSEARCH_URL"):
    ELASTICSEARCH_URL = os.environ["STACK_ELASTICSEARCH_URL"]
    SEARCH_BREAKER_BACKGROUND_PROBE = True
# Axes stays on; only Client.login, which has no request, gets a bare one.
AUTHENTICATION_BACKENDS = [
    "tests.auth_backends.RequestlessLoginBackend",
    *AUTHENTICATION_BACKENDS[1:],  # noqa: F405
]
# Tests log people in with force_login, which gives no second factor: the two-factor
# middleware is off here, and tests/test_two_factor.py turns it on.
TWO_FACTOR_ENFORCED = False
# Tests read mail.outbox at once; tests/test_outbox.py puts the outbox in front of it.
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# One log line per request is for production: tests ask for it (tests/test_deploy_logs.py).
LOGGING["loggers"]["intranet.requests"]["level"] = "WARNING"  # noqa: F405
