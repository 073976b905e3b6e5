"""Fixtures for the sync client tests: a real tt-rss per session, a user per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from briefterm.sync.ttrss import TtrssClient
from tests.support import ttrss
from tests.support.ttrss import AdminSession, TtrssServer, TtrssUser


@pytest.fixture(scope="session")
def ttrss_server() -> Iterator[TtrssServer]:
    """One real tt-rss for the whole session, started only when a test asks for it.

    Skips (with the reason) when it cannot be had: not root, no apt, the
    install failed, or BRIEFTERM_NO_SERVER_TESTS=1.
    """
    found = ttrss.start()
    if isinstance(found, str):
        pytest.skip(f"no real tt-rss: {found}")
    try:
        yield found
    finally:
        found.stop()


@pytest.fixture
def ttrss_user(ttrss_server: TtrssServer) -> TtrssUser:
    """A fresh tt-rss account (created by SQL) with the API enabled."""
    return ttrss_server.create_user()


@pytest.fixture
def ttrss_admin(ttrss_server: TtrssServer, ttrss_user: TtrssUser) -> AdminSession:
    """Set-up and checks on the server as the test's user, not through the client."""
    return AdminSession(ttrss_server, ttrss_user)


@pytest.fixture
async def ttrss_client(
    ttrss_server: TtrssServer, ttrss_user: TtrssUser
) -> AsyncIterator[TtrssClient]:
    """The client under test, logged in as the test's user."""
    async with TtrssClient(ttrss_server.url, ttrss_user.login, ttrss_user.password) as client:
        yield client
