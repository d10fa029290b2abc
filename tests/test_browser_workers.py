"""Issue 16's browser flows against a clinic's server: ``flarewise serve --workers 2`` on
PostgreSQL (two processes sharing one database, sessions, pending two-step sign-ins, grants
and their revocation), in Debian's Chromium. The same flows as tests/test_browser.py's sharing
test and tests/test_browser_twofactor.py, here served by two processes instead of one in-process
server: whatever a process keeps to itself would show as a failed step."""

from __future__ import annotations

from typing import Any

import tests.test_browser as one_process
import tests.test_browser_twofactor as two_step

from .test_browser import browser
from .test_serve_workers import server

__all__ = ["browser", "server"]  # the fixtures: Chromium, and `serve --workers 2` on PostgreSQL


def test_two_step_sign_in_with_two_workers(server: tuple[str, str], browser: Any) -> None:
    base, url = server
    two_step.test_two_step_sign_in_in_chromium(base, browser, url)


def test_sharing_invite_accept_revoke_with_two_workers(
    server: tuple[str, str], browser: Any
) -> None:
    base, url = server
    one_process.test_sharing_invite_accept_view_revoke_mid_session(base, browser, url)
