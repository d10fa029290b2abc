"""Importers: readers that turn files into journal records and an import report. They never
write to the database; the journal writes what they return in one transaction."""

from flarewise.importers.apple_health import AppleHealthError, AppleHealthReader
from flarewise.importers.detect import UnknownFormat, detect
from flarewise.importers.fhir import FhirError, FhirReader
from flarewise.importers.report import ImportBatch, ImportReport, Problem

__all__ = [
    "AppleHealthError",
    "AppleHealthReader",
    "FhirError",
    "FhirReader",
    "ImportBatch",
    "ImportReport",
    "Problem",
    "UnknownFormat",
    "detect",
]
