"""Labs in context: unit conversion, reference intervals, interpretation and red flags
(clinical-rules.md C and E). Pure: no I/O beyond the packaged catalogue."""

from flarewise.labs.convert import analyte, convert
from flarewise.labs.interpret import Category, Interpretation, interpret
from flarewise.labs.redflags import RedFlag, red_flags

__all__ = ["Category", "Interpretation", "RedFlag", "analyte", "convert", "interpret", "red_flags"]
