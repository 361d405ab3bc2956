"""A circuit breaker in front of Elasticsearch: after one failure, stop calling it for a while.

A paused or overloaded node accepts connections and never answers, so every caller would
wait for its timeout: with a few server processes the whole site would stall. After one
failure the breaker *opens*: searches answer from the database at once and index writes
are queued (``PendingOperation``) without touching the engine. A probe in a background
thread asks the engine every few seconds; once it answers, the probe replays the queue
and *closes* the breaker. An open breaker also expires by itself after
``SEARCH_BREAKER_OPEN_SECONDS``, so a process that lost its probe still tries again.

The state lives in the default cache: when several processes share one (Redis), one
failure opens the breaker for all of them and only one of them probes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)

_OPEN_KEY = "search:breaker:open:{name}"
_PROBE_KEY = "search:breaker:probe:{name}"


def _cache():
    return caches["default"]


def _open_seconds() -> int:
    return int(getattr(settings, "SEARCH_BREAKER_OPEN_SECONDS", 60))


def _probe_interval() -> float:
    return float(getattr(settings, "SEARCH_BREAKER_PROBE_INTERVAL", 5))


def is_open(name: str) -> bool:
    """True while calls to this store are skipped."""
    return _cache().get(_OPEN_KEY.format(name=name)) is not None


def trip(name: str, reason: str = "") -> None:
    """Open the breaker after a failure (again: its expiry starts anew)."""
    if not is_open(name):
        logger.warning("Moteur %s injoignable, appels suspendus : %s", name, reason)
    _cache().set(_OPEN_KEY.format(name=name), time.time(), timeout=_open_seconds())


def close(name: str) -> None:
    _cache().delete(_OPEN_KEY.format(name=name))


def watch(name: str, answers: Callable[[], bool], recover: Callable[[], bool]) -> bool:
    """Start a background probe of this store unless a process already runs one.

    ``answers`` asks the engine (with a short timeout); once it says yes, ``recover``
    replays the queued operations and returns True when none is left, which closes the
    breaker. Returns whether this call started a probe.
    """
    if not getattr(settings, "SEARCH_BREAKER_BACKGROUND_PROBE", True):
        return False
    lock = _PROBE_KEY.format(name=name)
    if not _cache().add(lock, 1, timeout=_open_seconds() * 2):
        return False
    thread = threading.Thread(
        target=_probe, args=(name, answers, recover), name=f"search-probe-{name}", daemon=True
    )
    thread.start()
    return True


def probe_once(name: str, answers: Callable[[], bool], recover: Callable[[], bool]) -> bool:
    """One probe: when the engine answers and its queue is replayed, close the breaker."""
    if not answers():
        return False
    if recover():
        close(name)
        logger.info("Moteur %s de nouveau joignable, file d'attente rejouée", name)
        return True
    return False


def _probe(name: str, answers: Callable[[], bool], recover: Callable[[], bool]) -> None:
    lock = _PROBE_KEY.format(name=name)
    try:
        # Bounded: past the breaker's own expiry, requests try the engine themselves.
        deadline = time.monotonic() + _open_seconds() * 2
        while time.monotonic() < deadline:
            time.sleep(_probe_interval())
            close_old_connections()
            try:
                if probe_once(name, answers, recover):
                    return
            except Exception:  # a probe must never die with a traceback in a worker
                logger.exception("Sonde du moteur %s en échec", name)
    finally:
        _cache().delete(lock)
        connections.close_all()
