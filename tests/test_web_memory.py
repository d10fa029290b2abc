"""A server process keeps what start-up made out of the garbage collector's full passes
(flarewise.web.memory): once at start, once more after its first requests. An app a test makes
and drops freezes nothing (its objects must stay collectable)."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from flarewise.web import create_app
from flarewise.web.factory import SERVE_OPTIONS, app_from_environment, serve_options

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """Whatever a test freezes is handed back to the collector afterwards."""
    try:
        yield
    finally:
        gc.unfreeze()


def test_a_server_freezes_start_up_then_again_after_its_first_requests(
    tmp_path: Path, unfrozen: None
) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'j.db'}", server_process=True)
    app.state.settler.after = 5
    with TestClient(app, base_url="http://127.0.0.1") as client:  # runs the lifespan
        assert app.state.settler.settled == 1
        frozen = gc.get_freeze_count()
        assert frozen > 50_000  # the app, its libraries and the knowledge base
        for _ in range(5):
            assert client.get("/healthz").status_code == 200
        assert app.state.settler.settled == 2 and gc.get_freeze_count() >= frozen
        # a full pass now walks what came after, a small part of what the process holds
        assert len(gc.get_objects()) < gc.get_freeze_count() / 5
        for _ in range(20):
            client.get("/healthz")
        assert app.state.settler.settled == 2  # twice, never on every request
    app.state.db.close()


def test_an_app_a_test_makes_freezes_nothing(tmp_path: Path, unfrozen: None) -> None:
    gc.unfreeze()
    app = create_app(f"sqlite:///{tmp_path / 'j.db'}")
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert client.get("/healthz").status_code == 200
    assert app.state.settler.settled == 0 and gc.get_freeze_count() == 0
    app.state.db.close()


def test_every_process_of_flarewise_serve_settles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unfrozen: None
) -> None:
    url = f"sqlite:///{tmp_path / 'j.db'}"
    monkeypatch.setenv(SERVE_OPTIONS, serve_options(url, secure_cookies=False, trusted_hosts=()))
    app = app_from_environment()
    assert app.state.settler.enabled
    app.state.db.close()
