"""Hardening of the web face (issue 13, web side), in-process HTTP against the real app on
SQLite and PostgreSQL: hostile input gets a 4xx with a sentence (the page, or ``{"error": ...}``
under /api), never a 500; no answer shows a server path or a library's internals; uploads are
capped while they arrive; the app answers only to its trusted host names."""

from __future__ import annotations

import html
import re
import tempfile
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flarewise.journal import Journal
from flarewise.web import create_app

from .webkit import PASSWORD, app_on, client, csrf_of, post, signed_up

#: What must never reach a person: tracebacks, temporary folders, pydantic's internals.
LEAKS = re.compile(
    r"Traceback|" + re.escape(tempfile.gettempdir()) + r"/|errors\.pydantic\.dev|input_value=",
)


@pytest.fixture
def app(db_url: str) -> Any:
    a = app_on(db_url)
    yield a
    a.state.db.close()


def _text(r: Any) -> str:
    return html.unescape(r.text)


def _clean(r: Any, status: int | tuple[int, ...], says: str = "") -> None:
    """A refusal with a sentence: the expected status, no leak, and the words a person reads."""
    allowed = (status,) if isinstance(status, int) else status
    assert r.status_code in allowed, (r.status_code, r.text[:300])
    assert not LEAKS.search(r.text), r.text[:500]
    assert says in _text(r), _text(r)[:500]


def _lenient(c: TestClient) -> TestClient:
    """The same session in a client that reports a 500 instead of raising the server's error."""
    other = TestClient(
        c.app, base_url="https://testserver", follow_redirects=False, raise_server_exceptions=False
    )
    other.cookies = c.cookies
    return other


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_today_refuses_days_at_the_ends_of_the_calendar(app: Any, day: str) -> None:
    c = _lenient(signed_up(app, "alice"))
    page = c.get(f"/today?day={day}")
    _clean(page, 422, f"{day} is")
    assert "day:" not in _text(page)  # the page says it in words, not by the field's id
    api = c.get(f"/api/today?day={day}")
    _clean(api, 422, "Day: ")
    assert api.json()["field"] == "day"  # scripts keep the id
    assert c.get("/api/today?day=2026-01-05").json()["shown"] == "2026-01-05"


@pytest.mark.parametrize("name", ["..", ".", "a\x00b.csv", "../../etc/passwd", "..\\..\\x.csv"])
def test_an_upload_with_a_hostile_name_is_kept_under_a_safe_one(app: Any, name: str) -> None:
    c = _lenient(signed_up(app, "alice"))
    data = b"date,pain\n2026-01-01,4\n"
    r = post(c, "/api/import", files={"file": (name, data, "text/csv")})
    assert r.status_code == 200, r.text[:300]
    job = r.json()["job"]
    for _ in range(200):
        state = c.get(f"/api/import/{job}").json()
        if state["status"] != "running":
            break
    assert "/" not in state["file"] and "\x00" not in state["file"] and state["file"] != ".."
    assert not LEAKS.search(str(state))


def test_a_restore_error_names_the_file_not_the_server_folder(app: Any) -> None:
    c = _lenient(signed_up(app, "alice"))
    bad = post(c, "/restore", files={"file": ("backup.json", b"{x", "application/json")})
    _clean(bad, 400, "backup.json: line 1 column 2: not valid JSON")
    wrong = b'{"format":"flarewise-journal","version":1,"exported_at":"x","person":"a"}'
    r = post(c, "/restore", files={"file": ("backup.json", wrong, "application/json")})
    _clean(r, 400, "backup.json: exported_at:")


def test_missing_form_fields_and_wrong_methods_are_sentences(app: Any) -> None:
    c = _lenient(signed_up(app, "alice"))
    # a sign-in form without its fields: FastAPI's own validation, reworded
    _clean(post(c, "/signin", {}), 422, "User name: this is required")
    _clean(c.get("/api/labs/trend"), 404, "")
    r = post(c, "/api/labs", {"value": "1"})  # the API has no such POST route
    _clean(r, 405, "does not take that request")
    assert r.json() == {"error": "This address does not take that request."}


def test_an_unexpected_error_is_a_sentence_and_the_log_keeps_the_details(
    app: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    c = _lenient(signed_up(app, "alice"))

    def broken(self: Journal, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"secret detail in {tempfile.gettempdir()}/flarewise-x/y")

    monkeypatch.setattr(Journal, "count", broken)  # a bug anywhere in a page's library calls
    for path in ("/account", "/api/account"):
        r = c.get(path)
        _clean(r, 500, "Something went wrong on the server and nothing was changed")
        assert "secret detail" not in r.text
        assert r.headers["content-security-policy"]  # the security headers are still there
    assert "secret detail" in caplog.text


@pytest.mark.parametrize("dose", ["nan", "inf", "-inf", "1e999"])
def test_plan_check_refuses_a_dose_that_is_not_a_number(app: Any, dose: str) -> None:
    c = _lenient(signed_up(app, "alice"))
    r = post(c, "/api/plan/check", {"item": "magnesium", "dose:magnesium": dose})
    _clean(r, 422, "is not a number")


def test_a_forged_host_header_is_refused_and_never_echoed(app: Any) -> None:
    c = _lenient(signed_up(app, "alice"))
    r = c.get("/", headers={"host": "evil.example"})
    assert r.status_code == 400 and "evil.example" not in r.text
    assert "evil.example" not in str(r.headers)
    ok = c.get("/")  # the trusted name: redirects stay relative
    assert ok.status_code == 303 and ok.headers["location"] == "/today"
    for path in ("/today", "/signout"):
        r = post(c, path, {"pain": "3"})
        assert r.headers["location"].startswith("/"), r.headers["location"]


def test_trusted_hosts_come_from_the_setting(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAREWISE_TRUSTED_HOSTS", "journal.example.org, Other.Example")
    a = create_app(db_url)
    try:
        c = TestClient(a, base_url="https://journal.example.org", follow_redirects=False)
        assert c.get("/healthz").status_code == 200
        assert c.get("/healthz", headers={"host": "other.example"}).status_code == 200
        assert c.get("/healthz", headers={"host": "localhost"}).status_code == 200
        assert c.get("/healthz", headers={"host": "testserver"}).status_code == 400
    finally:
        a.state.db.close()


def test_uploads_over_the_cap_are_refused_while_they_arrive(db_url: str) -> None:
    a = create_app(db_url, trusted_hosts=("testserver",), max_upload_bytes=1024**2)
    try:
        c = _lenient(signed_up(a, "alice"))
        big = b"date,pain\n" + b"2026-01-01,4\n" * 200_000  # 2.6 MB against a 1 MB cap
        r = post(c, "/api/import", files={"file": ("big.csv", big, "text/csv")})
        _clean(r, 413, "larger than 1 MB")
        page = post(c, "/restore", files={"file": ("backup.json", big, "application/json")})
        _clean(page, 413, "larger than 1 MB")

        def chunks() -> Any:  # a multipart body without Content-Length: counted as it arrives
            yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
            for _ in range(40):
                yield b"x" * 100_000

        token = csrf_of(c, "/account")
        r = c.post(
            "/api/import",
            content=chunks(),
            headers={"content-type": "multipart/form-data; boundary=b", "x-csrf-token": token},
        )
        _clean(r, 413, "larger than 1 MB")
        small = post(c, "/api/import", files={"file": ("s.csv", b"date,pain\n2026-01-01,4\n")})
        assert small.status_code == 200
    finally:
        a.state.db.close()


def test_the_upload_limit_setting_is_read_and_checked() -> None:
    from flarewise.config import load_settings
    from flarewise.errors import ConfigError

    assert load_settings({"FLAREWISE_MAX_UPLOAD_MB": "5"}).max_upload_bytes == 5 * 1024**2
    for bad in ("0", "-1", "lots"):
        with pytest.raises(ConfigError, match="FLAREWISE_MAX_UPLOAD_MB"):
            load_settings({"FLAREWISE_MAX_UPLOAD_MB": bad})


def test_serve_trusts_the_address_it_listens_on() -> None:
    import socket

    from flarewise.cli.serve import served_hosts

    assert served_hosts("192.168.1.20") == ("192.168.1.20",)
    assert served_hosts("::1") == ("[::1]",)
    assert socket.gethostname().lower() in served_hosts("0.0.0.0")


def test_the_current_password_check_is_throttled(app: Any) -> None:
    """A stolen session must not be a way to guess the password (issue 13)."""
    c = _lenient(signed_up(app, "alice"))
    for _ in range(5):
        r = post(
            c, "/account/password", {"current_password": "guess " * 3, "new_password": "n" * 12}
        )
        _clean(r, 422, "is not your current password")
    right = post(c, "/account/password", {"current_password": PASSWORD, "new_password": "n" * 12})
    _clean(right, 429, "wait 15 minutes")
    gone = post(c, "/account/delete", {"password": PASSWORD, "confirm": "delete everything"})
    _clean(gone, 429, "wait 15 minutes")
    assert app.state.accounts.exists("alice")
    # the password did not change: it still signs in (from another client, after the window
    # of the name has been cleared by the administrator's reset)
    with app.state.db.begin() as conn:
        from flarewise.storage import accounts as rows

        rows.clear_failures(conn, "alice")
    assert app.state.accounts.sign_in("alice", PASSWORD, "elsewhere").handle == "alice"


def test_the_delete_password_check_is_throttled(app: Any) -> None:
    c = _lenient(signed_up(app, "alice"))
    for _ in range(5):
        r = post(c, "/account/delete", {"password": "guess " * 3, "confirm": "delete everything"})
        _clean(r, 422, "nothing was deleted")
    r = post(c, "/account/delete", {"password": PASSWORD, "confirm": "delete everything"})
    _clean(r, 429, "wait 15 minutes")
    assert app.state.accounts.exists("alice")


def test_sign_up_lists_names_no_faster_than_throttling_allows(app: Any) -> None:
    taken = ("alice", "bob", "carol", "dave")
    for handle in taken:
        signed_up(app, handle)
    c = _lenient(client(app))
    token = csrf_of(c, "/signup")
    for handle in taken:
        for _ in range(5):  # five probes of one name (the per-name budget)
            r = c.post("/signup", data={"handle": handle, "password": PASSWORD, "csrf": token})
            _clean(r, 409, "is taken")
    # 20 "taken" answers: this client's budget is spent, for any name
    r = c.post("/signup", data={"handle": "somebody-new", "password": PASSWORD, "csrf": token})
    _clean(r, 429, "wait 15 minutes")
    other = _lenient(client(app))
    t2 = csrf_of(other, "/signup")
    r = other.post("/signup", data={"handle": "alice", "password": PASSWORD, "csrf": t2})
    assert r.status_code in (409, 429)
    # the probes never count against the accounts themselves
    assert app.state.accounts.sign_in("alice", PASSWORD, "elsewhere").handle == "alice"


def test_the_app_survives_its_postgresql_connections_being_cut(
    pg_schema_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL restarted under load, without restarting the shared server: every backend of
    this app is terminated (pg_terminate_backend, found by its application_name) in the middle
    of a check-in's transaction. The request fails with a sentence, nothing of it is kept, and
    the next requests work without restarting the app (the pool checks a connection idle
    for a second before use and replaces the pool after a disconnect)."""
    import uuid

    import sqlalchemy as sa

    from flarewise.storage import PersonRepository

    from .conftest import PG_URL

    name = f"fw-{uuid.uuid4().hex[:10]}"
    a = app_on(f"{pg_schema_url}&application_name={name}")
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")

    def cut() -> int:
        with admin.connect() as conn:
            return len(
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = :name"
                    ),
                    {"name": name},
                ).all()
            )

    original = PersonRepository.insert_entries
    calls = {"n": 0}

    def cut_midway(self: PersonRepository, conn: Any, items: Any) -> int:
        n = original(self, conn, items)  # the rows are written, not yet committed
        calls["n"] += 1
        if calls["n"] == 1:
            assert cut() >= 1
            conn.exec_driver_sql("SELECT 1")  # the transaction's connection is gone
        return n

    try:
        c = _lenient(signed_up(a, "alice"))
        monkeypatch.setattr(PersonRepository, "insert_entries", cut_midway)
        r = post(c, "/api/today", {"pain": "4"})
        _clean(r, 503, "cannot be reached just now, so nothing was changed")
        assert name not in r.text and "127.0.0.1" not in r.text
        j = Journal.for_person(a.state.db, "alice", create=False)
        assert j.entries() == []  # nothing half-written
        # every pooled connection is cut again between requests: the pool notices and reconnects
        cut()
        ok = post(c, "/api/today", {"pain": "5"})
        assert ok.status_code == 200, ok.text
        assert [e.scores["pain"] for e in j.entries()] == [5]  # type: ignore[attr-defined]
        assert c.get("/api/today").status_code == 200
    finally:
        a.state.db.close()
        admin.dispose()


def test_a_flaredown_person_matching_no_one_says_why_nothing_came_in(app: Any) -> None:
    from pathlib import Path

    export = Path(__file__).parent / "fixtures" / "flaredown" / "long-two-people.csv"
    c = _lenient(signed_up(app, "alice"))
    r = post(
        c,
        "/api/import",
        {"user": "nobody-has-this-id"},
        files={"file": ("export.csv", export.read_bytes(), "text/csv")},
    )
    job = r.json()["job"]
    for _ in range(500):
        state = c.get(f"/api/import/{job}").json()
        if state["status"] != "running":
            break
    assert state["status"] == "done" and state["report"]["entries_added"] == 0
    reasons = [p["reason"] for p in state["report"]["problems"]]
    assert any("no row of the export belongs to 'nobody-has-this-id'" in x for x in reasons)
    assert Journal.for_person(app.state.db, "alice", create=False).entries() == []


def test_host_names_are_read_with_their_port_and_ipv6_brackets() -> None:
    from flarewise.web.hosts import TrustedHosts, host_name

    assert host_name("[::1]:8765") == "::1" and host_name("Example.org:443") == "example.org"
    assert host_name("[broken") == "" and host_name("") == ""
    hosts = TrustedHosts(lambda *a: None, ("[::1]", "journal.example.org", "*.home.arpa"))  # type: ignore[arg-type]
    for ok in ("[::1]:8765", "journal.example.org", "JOURNAL.example.org:80", "nas.home.arpa"):
        assert hosts.allows(ok), ok
    for bad in ("evil.example", "journal.example.org.evil.example", "home.arpa", "", "[::2]"):
        assert not hosts.allows(bad), bad
