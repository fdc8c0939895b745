"""Fixtures shared by every test: browser tests drive Debian's chromium through Playwright."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (a few lists are kept a minute per user: ids repeat between
    tests, their contents do not)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's chromium, headless, without the background networking this closed machine refuses."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot(page):
    """Save a screenshot of the current page under test-artifacts/ for reviewers: screenshot("name")."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def _session_cookie(live_server, user) -> dict:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


@pytest.fixture
def sign_in(live_server):
    """sign_in(page, user): the page's browser context is now signed in as ``user`` (and only as them)."""

    def sign(page, user) -> None:
        page.context.clear_cookies()
        page.context.add_cookies([_session_cookie(live_server, user)])

    return sign


@pytest.fixture
def page_for(browser, live_server):
    """page_for(user, width=1366, height=768): a new browser page of its own, signed in as ``user``."""

    def open_page(user, *, width: int = 1366, height: int = 768):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        context.add_cookies([_session_cookie(live_server, user)])
        return context.new_page()

    return open_page
