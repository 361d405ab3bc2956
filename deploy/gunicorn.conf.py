"""gunicorn settings of the intranet (``gunicorn -c deploy/gunicorn.conf.py cms.wsgi``).

Every value can be changed from the environment (the systemd unit and the compose file
set the address); the defaults suit one machine with nginx in front on the same host.
"""

import multiprocessing
import os

wsgi_app = "cms.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual rule for synchronous workers: two per core plus one, bounded so that a large
# machine does not open more PostgreSQL connections than the database allows.
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 12)))
# A request that takes longer than this is a bug (exports and PDFs take a few seconds).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On a reload (SIGHUP) or a stop, requests under way get this long to finish.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# nginx keeps connections to the upstream open between requests.
keepalive = 5
# Workers are replaced after a while, so that a slow leak never grows for months.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# No access log from gunicorn: paths may carry secrets (a private feed's token, a password
# reset link). Django writes one line per request with the route instead
# (cms/request_log.py; LOG_FORMAT=json). GUNICORN_ACCESS_LOG=- turns this one on anyway.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind nginx on the same host: trust its X-Forwarded-* headers from loopback only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Workers import the application after the fork: each opens its own connections.
preload_app = False
