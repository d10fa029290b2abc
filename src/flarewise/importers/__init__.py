"""Importers: streaming readers that turn files into journal records and an import report.
They never write to the database: they hand records to an :class:`ImportBatch`, and the journal
writes them in chunks inside one transaction.

The names are imported on first use (PEP 562), like the package root's: the Apple Health
import's parsing child (``apple_health_scan``) starts in a fresh interpreter and must not pay
for the pydantic records and the other readers it never uses."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOME = {
    "AppleHealthError": "apple_health",
    "AppleHealthReader": "apple_health",
    "ArchiveBudget": "archive",
    "FORMATS": "detect",
    "UnknownFormat": "detect",
    "detect": "detect",
    "FhirError": "fhir",
    "FhirReader": "fhir",
    "FlaredownError": "flaredown",
    "FlaredownReader": "flaredown",
    "parse_dose": "flaredown",
    "OmhError": "omh",
    "OmhInvalid": "omh",
    "OmhReader": "omh",
    "ImportBatch": "report",
    "ImportReport": "report",
    "Problem": "report",
    "Reader": "report",
    "ColumnMapping": "tabular",
    "ColumnTarget": "tabular",
    "TableReader": "tabular",
    "TabularError": "tabular",
    "header_and_samples": "tabular",
    "read_mapping": "tabular",
    "suggest_mapping": "tabular",
    "write_mapping": "tabular",
}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    loaded = importlib.import_module(f"{__name__}.{module}")
    # bind every name of that module at once: importing ``detect`` (the module) sets this
    # package's ``detect`` attribute to the module, which the function of that name replaces
    for other, home in _HOME.items():
        if home == module:
            globals()[other] = getattr(loaded, other)
    return globals()[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


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
