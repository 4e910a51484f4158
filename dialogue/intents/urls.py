"""Absolute links for mail, feeds and open data, always on BASE_URL."""

from __future__ import annotations

from contextlib import contextmanager

from flask import current_app, url_for


@contextmanager
def on_base_url():
    """Yield ``link(endpoint, **values)`` building absolute links on BASE_URL.

    Never built from the request's Host header (a forged Host must not change a link in a mail or
    an identifier in a feed), and one context serves a whole batch of links.
    """
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"].rstrip("/")):
        yield lambda endpoint, **values: url_for(endpoint, _external=True, **values)
