"""The visit report (capability C9): assembly from what the journal knows, a PDF a clinician
reads in 60 seconds, the same as HTML and JSON.

The journal gathers the inputs (``Journal.visit_report``); :func:`assemble` summarises them into
a :class:`VisitReport`; :mod:`flarewise.reports.render` typesets it. Rendering imports Typst and
vl-convert only when called, so ``import flarewise`` stays light.
"""

from flarewise.reports.assemble import ASSOCIATION_LINE, ReportInputs, assemble, check_period
from flarewise.reports.model import VisitReport

#: The default period: the 90 days up to the last entry (a typical gap between visits).
DEFAULT_DAYS = 90
#: Triggers are screened over at most the last year of the period (older habits say little
#: about this visit, and the screen's cost grows with the days).
TRIGGER_DAYS = 365
#: At most this many possible triggers are listed (the screen sorts them by q).
TRIGGERS_SHOWN = 8

__all__ = [
    "ASSOCIATION_LINE",
    "DEFAULT_DAYS",
    "TRIGGERS_SHOWN",
    "TRIGGER_DAYS",
    "ReportInputs",
    "VisitReport",
    "assemble",
    "check_period",
]
