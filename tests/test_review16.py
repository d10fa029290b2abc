"""Defects found by the outside review of the clinic side (issue 16), each with the case that
showed it, on SQLite and PostgreSQL:

- a refused plan override (an unknown rule) left a "plan override" write in the person's log,
  saying the clinician changed the plan when nothing changed;
- the override form asked for a rule id the plan's pages never show, with an example that is
  not a rule; it now offers the rules to choose from;
- a note pasted with a NUL byte answered "the database cannot be reached" (PostgreSQL refuses
  NUL) instead of saving the note;
- a sign-in code typed with a phone's Arabic-Indic digits crashed the sign-in (500);
- two people of the same name were one name twice on the clinic list; a FIQR change did not
  say which way is worse;
- "who looked at my data" said how only as "GET /api/clinic/alice/labs";
- a clinician who lost their phone and recovery codes was locked out for good;
- a NUL byte in an address answered "the database cannot be reached" (503);
- a code whose end date passed before it was accepted made a grant born expired;
- a clinician's account page asked about pregnancy and check-in reminders;
- a note holding a bidirectional override showed other words than it held.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pyotp
import pytest

from flarewise import Journal
from flarewise.accounts import Accounts
from flarewise.errors import Conflict, InvalidInput
from flarewise.sharing import admin, audit, grants, invitations, notes
from flarewise.storage.database import utcnow
from flarewise.twofactor import Check, TwoFactor

from .conftest import CliCall
from .webkit import app_on, client, csrf_of, post, signed_up, staff

OWNER = "alice"


@pytest.fixture
def app(db_url: str) -> Any:
    application = app_on(db_url)
    yield application
    application.state.db.close()


def _annotating(app: Any, name: str = "drbob") -> Any:
    client = staff(app, name, "clinician")[0]
    invitations.accept(app.state.db, name, invitations.invite(app.state.db, OWNER, "annotate").code)
    return client


def _writes(app: Any) -> list[str]:
    return [r.what for r in audit.who_looked(app.state.db, OWNER) if r.action == "write"]


def test_a_refused_override_changes_nothing_and_leaves_no_write_in_the_log(app: Any) -> None:
    owner = signed_up(app, OWNER)
    bob = _annotating(app)
    refused = post(bob, f"/api/clinic/{OWNER}/overrides", {"rule": "NOPE", "item": "magnesium"})
    assert refused.status_code == 422 and "not a safety rule" in refused.text
    blank = post(bob, f"/api/clinic/{OWNER}/overrides", {"rule": "SAF-MG-UL", "item": " \x00 "})
    assert blank.status_code == 422
    assert _writes(app) == []
    assert owner.get("/api/plan").status_code == 200
    done = post(bob, f"/clinic/{OWNER}/overrides", {"rule": "SAF-MG-UL", "item": "magnesium"})
    assert done.status_code == 303
    assert _writes(app) == ["plan override"]
    (override,) = bob.get(f"/api/clinic/{OWNER}").json()["overrides"]
    assert (override["rule"], override["item"], override["clinician"]) == (
        "SAF-MG-UL",
        "magnesium",
        "drbob",
    )


def test_the_override_form_offers_the_rules_instead_of_asking_for_an_id(app: Any) -> None:
    signed_up(app, OWNER)
    page = _annotating(app).get(f"/clinic/{OWNER}").text
    assert '<select id="rule" name="rule" required>' in page
    assert '<option value="SAF-MG-UL">' in page
    assert "SAF-DOSE-UL" not in page  # the old example named no rule


def test_a_note_pasted_with_control_characters_is_saved_without_them(app: Any) -> None:
    signed_up(app, OWNER)
    bob = _annotating(app)
    answer = post(bob, f"/clinic/{OWNER}/notes", {"text": "Iron\x00 low;\x07 recheck\tin 3 months"})
    assert answer.status_code == 303, answer.text
    (note,) = notes.notes_about(app.state.db, OWNER)
    assert note.text == "Iron low; recheck\tin 3 months"
    only_controls = post(bob, f"/api/clinic/{OWNER}/notes", {"text": "\x00\x01"})
    assert only_controls.status_code == 422 and "write the note first" in only_controls.text


def test_a_sign_in_code_in_arabic_indic_digits_is_the_same_code(app: Any) -> None:
    db = app.state.db
    signed_up(app, OWNER)
    pid = db.person_id(OWNER)
    assert pid is not None
    factors = TwoFactor(db)
    secret = factors.start(pid, OWNER).secret
    totp = pyotp.TOTP(secret)
    at = 1_800_000_000.0
    assert factors.confirm(pid, totp.at(at - 60), at=at - 60) is not None
    arabic = totp.at(at).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert factors.check(pid, arabic, at=at) is Check.TOTP
    assert factors.check(pid, totp.at(at), at=at) is Check.REPLAYED
    assert factors.check(pid, "١٢٣٤٥", at=at) is Check.WRONG
    assert factors.check(pid, "²³⁴⁵⁶⁷", at=at) is Check.WRONG  # digits, but not decimal ones


def test_two_people_with_the_same_name_are_told_apart_by_their_handles(app: Any) -> None:
    """The clinic list showed only the profile's name: two "Sam Smith"s were one name twice."""
    db = app.state.db
    bob = staff(app, "drbob", "clinician")[0]
    for handle in ("alice", "alice2"):
        signed_up(app, handle)
        Journal.for_person(db, handle).update_profile(display_name="Sam Smith")
        invitations.accept(db, "drbob", invitations.invite(db, handle, "read").code)
    page = bob.get("/clinic").text
    assert '<a href="/clinic/alice">Sam Smith (alice)</a>' in page
    assert '<a href="/clinic/alice2">Sam Smith (alice2)</a>' in page
    assert "<h1>Sam Smith (alice2)</h1>" in bob.get("/clinic/alice2").text


def test_a_fiqr_change_says_which_way_is_worse(app: Any) -> None:
    env = app.state.templates.env
    macro = env.from_string('{% from "_changes.html" import changed %}{{ changed(c) }}')
    base = {"first_visit": False, "new_red_flags": [], "new_warnings": [], "fiqr_before": 38.0}
    assert "FIQR 38.0 to 80.0 (+42.0, worse)." in macro.render(
        c={**base, "fiqr": 80.0, "fiqr_change": 42.0}
    )
    assert "FIQR 38.0 to 20.0 (-18.0, better)." in macro.render(
        c={**base, "fiqr": 20.0, "fiqr_change": -18.0}
    )


def test_who_looked_says_how_in_words_and_keeps_the_route(app: Any) -> None:
    """The person's log showed only "GET /api/clinic/alice/labs" under "How"."""
    owner = signed_up(app, OWNER)
    bob = _annotating(app)
    assert bob.get(f"/api/clinic/{OWNER}/labs").status_code == 200
    assert bob.get(f"/clinic/{OWNER}").status_code == 200
    page = owner.get("/account/audit").text
    assert (
        "through the app's data link (API) "
        f'<small class="muted">GET /api/clinic/{OWNER}/labs</small>' in page
    )
    assert f'in the web app <small class="muted">GET /clinic/{OWNER}</small>' in page
    vias = {r["via"] for r in owner.get("/api/account/audit").json()["rows"]}
    assert f"GET /api/clinic/{OWNER}/labs" in vias  # the JSON keeps the route as it was


def test_the_operator_resets_a_lost_second_factor_and_the_clinician_enrols_again(
    app: Any, cli: CliCall
) -> None:
    """A clinician who lost their phone and their recovery codes could never sign in again: a
    password reset kept two-step sign-in on, and a clinician may not turn it off."""
    db = app.state.db
    staff(app, "drbob", "clinician")
    admin.create(db, None, "office", "admin")
    with pytest.raises(Conflict, match="only the server's operator"):
        admin.reset_password(db, "office", "drbob", via="POST /admin/reset", two_factor=True)
    assert Accounts(db).two_factor_status("drbob").enabled
    code, out, _ = cli("account", "reset", "drbob", "--two-factor", "--json")
    assert code == 0, out
    answer = json.loads(out)
    assert answer["two_factor_off"] is True
    assert not Accounts(db).two_factor_status("drbob").enabled
    c = client(app)
    signin = c.post(
        "/signin",
        data={"handle": "drbob", "password": answer["temporary_password"], "csrf": csrf_of(c)},
    )
    assert signin.status_code == 303 and signin.headers["location"].startswith("/account")
    (row,) = [r for r in audit.who_looked(db, "drbob") if r.action == "write"]
    assert (row.actor, row.what, row.via) == (
        "operator",
        "password and two-step sign-in reset",
        "flarewise account reset --two-factor",
    )


def test_a_nul_byte_in_an_address_is_the_person_s_input_not_a_database_outage(app: Any) -> None:
    """On PostgreSQL a handle with a NUL byte answered 503 "the database cannot be reached just
    now": the database refuses NUL in a text, which is the input's fault. It is refused as
    input (422) or, where SQLite can look it up, as nobody (404)."""
    signed_up(app, OWNER)
    bob = _annotating(app)
    for path in (f"/api/clinic/{OWNER}%00", f"/clinic/{OWNER}%00/labs"):
        answer = bob.get(path)
        assert answer.status_code in (404, 422), (path, answer.status_code)
        assert "cannot be reached" not in answer.text
    assert bob.get(f"/api/clinic/{OWNER}").status_code == 200


def test_a_code_whose_end_date_passed_before_it_was_accepted_is_refused_in_words(
    app: Any,
) -> None:
    """A code made "until today" and accepted tomorrow made a grant born expired: the page said
    the person now shares, the list showed nobody, and a live grant it replaced was gone."""
    db = app.state.db
    signed_up(app, OWNER)
    staff(app, "drbob", "clinician")
    invitations.accept(db, "drbob", invitations.invite(db, OWNER, "read").code)
    made = utcnow()
    late = invitations.invite(db, OWNER, "annotate", until=made.date(), now=made).code
    tomorrow = made + timedelta(days=1)
    with pytest.raises(InvalidInput, match="ended on"):
        invitations.accept(db, "drbob", late, now=tomorrow)
    (grant,) = grants.grants_of(db, OWNER)
    assert (grant.scope, grant.status) == ("read", "live")  # the live grant stays


def test_a_clinician_s_account_page_asks_nothing_about_their_own_diary(app: Any) -> None:
    """A clinician's account page asked "Are you pregnant?", offered check-in reminders and
    counted "your journal holds 0 entries": words for a patient, on a clinician's account."""
    owner = signed_up(app, OWNER)
    bob = staff(app, "drbob", "clinician")[0]
    mine = owner.get("/account").text
    assert "Pregnancy and breastfeeding" in mine and "Reminders in your calendar" in mine
    theirs = bob.get("/account").text
    assert "Signed in as <strong>drbob</strong> (clinician)." in theirs
    for words in ("Pregnancy and breastfeeding", "Reminders in your calendar", "journal holds"):
        assert words not in theirs
    assert "Two-step sign-in" in theirs and "Who looked at my data" in theirs


def test_a_note_cannot_show_other_words_than_it_holds(app: Any) -> None:
    """ "\\u202eevil" was stored and shown as "live": a signed note that reads otherwise than it
    is. The bidirectional overrides go; right-to-left writing itself stays."""
    signed_up(app, OWNER)
    bob = _annotating(app)
    assert (
        post(bob, f"/clinic/{OWNER}/notes", {"text": "\u202eevil\u2066 ok\u2069"}).status_code
        == 303
    )
    assert post(bob, f"/clinic/{OWNER}/notes", {"text": "שלום, ferritin 12"}).status_code == 303
    assert sorted(n.text for n in notes.notes_about(app.state.db, OWNER)) == [
        "evil ok",
        "שלום, ferritin 12",
    ]
