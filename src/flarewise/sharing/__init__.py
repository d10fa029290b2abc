"""Clinics: who may open whose journal, with which scope, and the record of every time they did.

One concept per module:

- :mod:`.scopes`: what each scope of a grant allows (report < read < annotate);
- :mod:`.invitations`: a person's one-time code, and a clinician accepting it as a grant;
- :mod:`.grants`: the person's list of grants, revoking one;
- :mod:`.access`: opening a shared journal (the one gate: live grant, scope, audit row);
- :mod:`.audit`: the append-only log of reads and writes by anyone but the owner;
- :mod:`.changes`: what changed since a clinician's last visit (from the visit report);
- :mod:`.clinic`: the clinician's list of people with those changes;
- :mod:`.notes`: clinician notes and plan overrides, signed and audited;
- :mod:`.admin`: the clinic administrator's account operations.

It sits between the journal and the faces (PRODUCT.md section 5): the web app and the CLI ask
here, never the tables. A refusal is always :class:`flarewise.errors.NotFound` with the same
words as a person that does not exist, so nobody learns whether a journal exists by trying.
"""

from __future__ import annotations

from flarewise.sharing.scopes import SCOPES

__all__ = ["SCOPES"]
