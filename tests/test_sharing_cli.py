"""The CLI of sharing: the operator's `account` commands, `share invite/list/revoke` and
`audit`, in tables and as --json."""

from __future__ import annotations

import json

from flarewise.journal import open_database
from flarewise.sharing import invitations
from flarewise.sharing.access import open_shared

from .conftest import CliCall


def test_accounts_sharing_and_the_audit_from_the_command_line(cli: CliCall, db_url: str) -> None:
    assert cli("--person", "alice", "init")[0] == 0
    code, out, _ = cli("account", "create", "drbob", "--role", "clinician", "--json")
    assert code == 0 and json.loads(out)["role"] == "clinician"
    assert len(json.loads(out)["temporary_password"]) >= 20
    code, _, err = cli("account", "create", "eve", "--role", "king")
    assert code == 1 and "use one of person, clinician, admin" in err
    code, out, _ = cli("--person", "alice", "share", "invite", "--scope", "read", "--json")
    assert code == 0
    new = json.loads(out)
    assert new["scope"] == "read" and new["until"] is None
    db = open_database(db_url)
    try:
        invitations.accept(db, "drbob", new["code"])
        open_shared(db, "drbob", "alice", "read", what="labs", via="GET /clinic/alice/labs")
    finally:
        db.close()
    code, out, _ = cli("--person", "alice", "share", "list", "--json")
    grants = json.loads(out)
    assert [(g["clinician"], g["scope"], g["status"]) for g in grants] == [
        ("drbob", "read", "live")
    ]
    code, out, _ = cli("--person", "alice", "audit")
    assert code == 0 and "drbob" in out and "labs" in out
    code, out, _ = cli("--person", "alice", "audit", "--json")
    assert [r["what"] for r in json.loads(out)] == ["labs"]
    assert cli("--person", "alice", "share", "revoke", str(grants[0]["id"]))[0] == 0
    code, _, err = cli("--person", "alice", "share", "revoke", str(grants[0]["id"]))
    assert code == 1 and "no live grant" in err
    assert cli("account", "disable", "drbob")[0] == 0
    code, out, _ = cli("account", "list", "--json")
    assert json.loads(out) == [
        {
            "handle": "drbob",
            "role": "clinician",
            "created": json.loads(out)[0]["created"],
            "disabled": True,
        }
    ]
