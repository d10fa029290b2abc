"""Package data (vocabulary, analytes) with the loader that validates it, and the checks that
hold records to it."""

from flarewise.knowledge.checks import canonical_dose, check_entry, check_profile, check_regimen
from flarewise.knowledge.measures import measures_of
from flarewise.knowledge.vocabulary import VOCAB_KINDS, Vocabulary, load_vocabulary

__all__ = [
    "VOCAB_KINDS",
    "Vocabulary",
    "canonical_dose",
    "check_entry",
    "check_profile",
    "check_regimen",
    "load_vocabulary",
    "measures_of",
]
