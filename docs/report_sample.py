"""Make docs/report-page1.png: page 1 of the demo person's visit report, as docs/report.md
shows it. The demo year with two FIQRs, an ACR 2016 self-check and questions for the visit.

    PYTHONPATH=src python docs/report_sample.py    # needs pdftoppm (poppler-utils)
"""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from flarewise import open_journal
from flarewise.instruments import ITEMS
from flarewise.reports import render

HERE = Path(__file__).resolve().parent
TZ = timezone(timedelta(hours=1))
FIQR = ITEMS["fiqr"]  # the 21 FIQR items (Bennett 2009)
ACR2016 = {
    "painful_sites": ["neck", "lower_back", "hip_left", "hip_right", "shoulder_girdle_left",
                      "shoulder_girdle_right", "upper_back"],
    "fatigue": 2, "waking_unrefreshed": 2, "cognitive_symptoms": 1, "headaches": True,
    "lower_abdominal_pain": False, "depression": False, "symptoms_3_months": True,
}  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        j = open_journal(f"sqlite:///{Path(tmp) / 'demo.db'}", "demo")
        j.write_demo()
        j.assess("fiqr", dict.fromkeys(FIQR, 6), at=datetime(2025, 2, 1, 10, tzinfo=TZ))
        later = {**dict.fromkeys(FIQR, 6), "pain": 4, "energy": 5, "brush_hair": 3}
        j.assess("fiqr", later, at=datetime(2025, 6, 1, 10, tzinfo=TZ))
        j.assess("acr2016", ACR2016, at=datetime(2025, 6, 2, 10, tzinfo=TZ))
        j.set_visit_questions(
            "Could the duloxetine go back to 30 mg?\nIs the low ferritin why I am so tired?"
        )
        report = j.visit_report(date(2025, 1, 15), date(2025, 6, 30))
        pdf = Path(tmp) / "visit.pdf"
        pdf.write_bytes(render.pdf(report))
        out = HERE / "report-page1"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", pdf, out],
            check=True,
        )
        j.close()
    print(f"wrote {out}.png")


if __name__ == "__main__":
    main()
