"""Stopping the programs the tests start in the background (servers, nodes, helper scripts)."""

from __future__ import annotations

import subprocess

STOP_TIMEOUT = 30


def wait_or_kill(process: subprocess.Popen, seconds: float = STOP_TIMEOUT) -> None:
    """Wait for a process asked to end; kill it if it has not ended within ``seconds``."""
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
