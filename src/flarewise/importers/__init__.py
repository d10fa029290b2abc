"""Importers: streaming readers that turn files into journal records and an import report.
They never write to the database: they hand records to an :class:`ImportBatch`, and the journal
writes them in chunks inside one transaction."""

from flarewise.importers.apple_health import AppleHealthError, AppleHealthReader
from flarewise.importers.archive import ArchiveBudget
from flarewise.importers.detect import FORMATS, UnknownFormat, detect
from flarewise.importers.fhir import FhirError, FhirReader
from flarewise.importers.flaredown import FlaredownError, FlaredownReader, parse_dose
from flarewise.importers.omh import OmhError, OmhInvalid, OmhReader
from flarewise.importers.report import ImportBatch, ImportReport, Problem, Reader
from flarewise.importers.tabular import (
    ColumnMapping,
    ColumnTarget,
    TableReader,
    TabularError,
    header_and_samples,
    read_mapping,
    suggest_mapping,
    write_mapping,
)

__all__ = [
    "FORMATS",
    "AppleHealthError",
    "AppleHealthReader",
    "ArchiveBudget",
    "ColumnMapping",
    "ColumnTarget",
    "FhirError",
    "FhirReader",
    "FlaredownError",
    "FlaredownReader",
    "ImportBatch",
    "ImportReport",
    "OmhError",
    "OmhInvalid",
    "OmhReader",
    "Problem",
    "Reader",
    "TableReader",
    "TabularError",
    "UnknownFormat",
    "detect",
    "header_and_samples",
    "parse_dose",
    "read_mapping",
    "suggest_mapping",
    "write_mapping",
]
