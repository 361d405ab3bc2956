"""HTTP sessions on the site's processes at 127.0.0.1, for the deployment tests and the load
bench: straight to a gunicorn process as through nginx, and signed in through the login form."""

from __future__ import annotations

import requests


def browser() -> requests.Session:
    session = requests.Session()
    # No proxy: loopback only. The test certificate is self-signed, and REQUESTS_CA_BUNDLE
    # from the environment would win over verify=False.
    session.trust_env = False
    session.verify = False
    # One host name whichever process is asked, so one page cache key.
    session.headers["Host"] = "127.0.0.1"
    return session


def sign_in(base: str, username: str, password: str) -> tuple[requests.Session, int]:
    """Sign in through the login form, as a browser does: the session and the status."""
    session = browser()
    session.get(f"{base}/connexion/", timeout=30)
    response = session.post(
        f"{base}/connexion/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/connexion/"},
        allow_redirects=False,
        timeout=30,
    )
    return session, response.status_code
