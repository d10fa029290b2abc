"""Exporters: a journal's records written out in open formats (pure; the journal feeds them).

- :func:`write_tidy_csv`: one row per entry, for spreadsheets and R/pandas;
- :func:`fhir_bundle`: a FHIR R4 collection Bundle of Observations, MedicationStatements and
  Conditions that flarewise's own FHIR importer reads back without loss;
- :func:`fhir_document`: the same as a FHIR document (Composition with sections, Patient,
  ``subject`` on every resource), what ``flarewise export --format fhir`` writes.
The full JSON backup lives in :mod:`flarewise.domain.backup`.
"""

from flarewise.exporters.fhir_bundle import FLAREWISE_SYMPTOM, fhir_bundle
from flarewise.exporters.fhir_document import Person, fhir_document
from flarewise.exporters.tidy_csv import COLUMNS, neutralise, tidy_row, write_tidy_csv

__all__ = [
    "COLUMNS",
    "FLAREWISE_SYMPTOM",
    "Person",
    "fhir_bundle",
    "fhir_document",
    "neutralise",
    "tidy_row",
    "write_tidy_csv",
]
