"""Words people read instead of codes: units as they are written on a lab report.

The journal stores units in UCUM (the code system labs exchange: ``10*9/L``, ``m[IU]/L``,
``mm[Hg]``, ``ug/L``), which is exact but reads like an error to a person. These functions only
change how a unit is shown; the stored code and every form value stay UCUM.
"""

from __future__ import annotations

import re

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_POWER = re.compile(r"10\*(-?\d+)")
_BRACKETS = re.compile(r"\[([^\]]*)\]")
_ANNOTATION = re.compile(r"\{[^}]*\}")
_MICRO = re.compile(r"(?<![A-Za-z])u(?=[a-zA-Z])")


def unit_label(code: str | None) -> str:
    """``10*9/L`` as ×10⁹/L, ``m[IU]/L`` as mIU/L, ``mm[Hg]`` as mmHg, ``ug/L`` as µg/L;
    UCUM annotations (``{cells}``) are dropped. A unit that is already plain is unchanged."""
    if not code:
        return ""
    text = _ANNOTATION.sub("", code).strip()
    if not text:  # an annotation alone, such as {ratio}: its words are the unit
        return code.strip("{}")
    text = _POWER.sub(lambda m: "×10" + m.group(1).translate(_SUPERSCRIPT), text)
    text = _BRACKETS.sub(lambda m: m.group(1), text)
    text = _MICRO.sub("µ", text)
    return text


#: A rule id written into a sentence, such as "(SAF-GABA-OPIOID)" or "[SAF-LDN-OPIOID]" (the
#: safety layer's "Also covers: ..." lists); the page moves them to the quiet details line.
_RULE_IN_TEXT = re.compile(r"\s*[(\[]((?:SAF|RF|LAB|POP)-[A-Z0-9-]+)[)\]]")


def without_rule_ids(text: str) -> str:
    """A warning's sentence without the rule ids written into it (they are shown once, quietly,
    on the details line: people read the words, clinicians can still look the rule up)."""
    return _RULE_IN_TEXT.sub("", text)


def rule_ids_in(text: str) -> list[str]:
    """The rule ids written into a sentence, in order (for the details line)."""
    return _RULE_IN_TEXT.findall(text)


#: Experiment designs as a person would say them.
DESIGNS = {
    "ab": "before and after",
    "randomised_blocks": "randomised blocks (with and without it in a random order, repeated)",
    "titration": "step-by-step dose changes",
    "reintroduction": "leave it out, then bring it back",
}
#: One block's order: A is the period without the change, B the period with it.
ORDERS = {"AB": "without, then with it", "BA": "with it, then without"}


def measure_name(measure: str) -> str:
    """A measure's name from the vocabulary (``sleep_quality`` as "Sleep quality"); a measure
    the vocabulary does not name is shown with spaces, never with underscores."""
    from flarewise.knowledge.vocabulary import load_vocabulary

    vocabulary = load_vocabulary()
    if measure in vocabulary.symptoms:
        return vocabulary.name_of("symptom", measure)
    return measure.replace("_", " ").capitalize()


def design_name(design: str) -> str:
    return DESIGNS.get(design, design.replace("_", " "))


def order_words(order: str) -> str:
    return ORDERS.get(order, order)
