"""End to end: a short simulated business day through the real hub, apps and report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(600)]


def test_a_short_day_reports_what_the_simulation_counted(tmp_path: Path) -> None:
    out = tmp_path / "day"
    done = subprocess.run(
        [sys.executable, "scripts/demo.py", "--simulate", "--visitors", "250", "--speed", "600",
         "--seed", "11", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=540,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["consistent"] is True
    report, simulation = summary["report"], summary["simulation"]
    assert report == simulation
    assert report["visitors"] >= 200 and report["served"] > 0 and report["no_show"] > 0
    assert report["served"] + report["no_show"] + report["not_served"] == report["visitors"]
    assert summary["in_progress_on_report"] == 0  # a finished day has nothing in progress
    assert summary["matches_event_log"] is True
    assert report["profiles_filled"] > 0
    assert report["surveys"] > 0 and summary["ikm_grade"]
    # Issue 17: complaints left at the tablets, journeys and staff are in the day's report.
    assert report["complaints"] > 0 and sum(summary["report_only"]["complaints_by_tenant"]
                                            .values()) == report["complaints"]
    assert report["journeys"] == report["served"]
    assert summary["report_only"]["journey_counters_p90"] >= 1
    assert summary["report_only"]["staff_named"] > 0
    # Issue 18: visits sent home for missing documents, counted by the report as simulated.
    assert report["incomplete_documents"] > 0
    assert report["missing_requirements"] >= report["incomplete_documents"]
    for name in ("kiosk", "counter", "hall", "dashboard"):
        assert (out / "screens" / f"{name}.png").stat().st_size > 10_000, name
    assert len(list((out / "tickets").glob("*.png"))) == 4
    workbook = load_workbook(out / f"laporan-{summary['business_day']}.xlsx")
    assert len(workbook.sheetnames) >= 3
    pdf = out / f"laporan-{summary['business_day']}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Cocok / consistent: ya / yes" in done.stdout
