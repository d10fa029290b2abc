"""One warning per hazard (clinical-rules.md D.5.0 P2 and P4).

P2: when several ranked rules cover the same pair, the highest severity is kept, then the higher
specificity rank (3 = D.4 drug rules, 2 = D.5 named rules, 1 = D.5 class rules); equal severity
and equal rank are both kept (different hazards). A multi-partner warning goes only when every
partner it lists is covered by a kept warning that beats it. P4: named supersessions that are not
about a pair. The warning that stays says which hazards it absorbed. (P1, one warning per rule
and pair or plan item, is kept while collecting; P3, the dose order, belongs to the dose rules.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from flarewise.knowledge.vocabulary import Vocabulary
from flarewise.plan.warnings import SEVERITY_ORDER, Warning

#: P4: (superseding rule, superseded rules). NSAID-CKD and LDN-OPIOID win on the same plan item;
#: DLX-MAOI wins on the same duloxetine-MAOI pair.
SUPERSEDES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("SAF-NSAID-CKD", ("SAF-NSAID-RENAL-EGFR",)),
    ("SAF-LDN-OPIOID", ("SAF-LDN-OPIOID-DEP",)),
    ("SAF-DLX-MAOI", ("SAF-MAOI-SERO", "SAF-MAOI-WASHOUT")),
)


def _strength(severity: str, rank: int | None) -> tuple[int, int]:
    """Smaller is stronger: severity first, then the higher rank."""
    return (SEVERITY_ORDER[severity], -(rank or 0))


def _covers(k: Warning, subject: str | None, partner: str) -> str | None:
    """The severity with which ``k`` covers the pair (subject, partner), if it does."""
    if k.subject is None:
        return None
    for p, sev in zip(k.partners, k.partner_severities, strict=True):
        if {k.subject, p} == {subject, partner}:
            return sev
    return None


def _superseded(w: Warning, kept: Sequence[Warning]) -> Warning | None:
    for winner, losers in SUPERSEDES:
        if w.rule not in losers:
            continue
        for k in kept:
            if k.rule != winner:
                continue
            if w.rule == "SAF-NSAID-RENAL-EGFR" and k.subject == w.subject:
                return k
            if w.rule == "SAF-LDN-OPIOID-DEP" and w.subject in k.involves:
                return k
            if w.rule.startswith("SAF-MAOI-") and set(k.involves) == set(w.involves):
                return k
    return None


def _beaten(w: Warning, kept: Sequence[Warning]) -> list[Warning] | None:
    """The kept warnings that cover every partner of ``w`` and beat it (P2), or None."""
    if w.rank is None or w.subject is None or not w.partners:
        return None
    winners: list[Warning] = []
    for p, sev in zip(w.partners, w.partner_severities, strict=True):
        mine = _strength(sev, w.rank)
        found = None
        for k in kept:
            if k.rank is None or k.rule == w.rule:
                continue
            ksev = _covers(k, w.subject, p)
            if ksev is not None and _strength(ksev, k.rank) < mine:
                found = k
                break
        if found is None:
            return None
        winners.append(found)
    return winners


def apply_precedence(warnings: Sequence[Warning], vocab: Vocabulary) -> list[Warning]:
    """The warnings to show: one per hazard, each naming what it absorbed."""
    order = sorted(
        range(len(warnings)), key=lambda i: _strength(warnings[i].severity, warnings[i].rank)
    )
    kept: list[Warning] = []
    absorbed: dict[int, list[str]] = {}  # index in kept -> absorbed rule ids
    for i in order:
        w = warnings[i]
        k = _superseded(w, [x for x in warnings if x.rule != w.rule])
        winners = [k] if k is not None else _beaten(w, kept)
        if winners:
            for win in winners:
                if win in kept:
                    absorbed.setdefault(kept.index(win), []).append(w.rule)
            continue
        kept.append(w)
    out = []
    for n, w in enumerate(kept):
        rules = list(dict.fromkeys(absorbed.get(n, [])))
        if rules:
            hazards = [
                f"{vocab.safety_rules[r].hazard or 'another risk'} ({r})"
                for r in rules
                if r in vocab.safety_rules
            ]
            w = replace(
                w,
                message=f"{w.message} Also covers: {'; '.join(hazards)}.",
                absorbed=tuple(rules),
            )
        out.append(w)
    return out
