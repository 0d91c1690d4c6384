"""Reports for the manager's laptop: the hub builds them, the dashboard only downloads."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_display.supervisor.ikm import HubReports, ReportError
from tests.web.conftest import EXAMPLE, ROOT, TOKENS, Device

pytestmark = [pytest.mark.integration]


@pytest.fixture
def hub_process(tmp_path: Path) -> Iterator[str]:
    """`python -m hub serve` in its own process and folder; its ws:// URL."""
    folder = tmp_path / "hub-server"
    folder.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--config", str(EXAMPLE), "--db",
         str(folder / "antrean.db"), "--host", "127.0.0.1", "--port", "0",
         "--clock-start", "2026-11-23T09:00"],
        cwd=folder, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert process.stdout is not None
        for line in process.stdout:  # the hub logs its port when it listens: no sleeping
            listening = re.search(r"hub listening on 127\.0\.0\.1:(\d+)", line)
            if listening:
                break
        else:
            pytest.fail("the hub did not start")
        # keep reading its log, so a full pipe never stalls the hub
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield f"ws://127.0.0.1:{listening[1]}"
    finally:
        process.terminate()
        process.wait(10)


def test_the_dashboard_exports_a_report_with_no_database_on_its_machine(
        hub_process: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    kiosk, terminal = Device(hub_process, "kiosk-1"), Device(hub_process, "counter-loket-01")
    for _ in range(3):
        kiosk.request("issue_ticket", service_id="ktp-el")
    terminal.request("open_counter")
    terminal.request("call_next")
    terminal.request("finish")
    kiosk.close()
    terminal.close()
    laptop = tmp_path / "laptop"
    laptop.mkdir()
    monkeypatch.chdir(laptop)
    reports = HubReports(hub_process, TOKENS["supervisor"])
    preview = reports.preview("2026-11", None)
    assert preview["totals"]["visitors"] == 3 and preview["totals"]["served"] == 1
    assert preview["checked"] is False and preview["label"] == "November 2026"
    out = reports.download("2026-11", "xlsx", None, laptop / "laporan.xlsx")
    assert len(openpyxl.load_workbook(out).sheetnames) > 1
    pdf = reports.download("2026-11-23", "pdf", "disdukcapil", laptop / "laporan.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert reports.day("2026-11-23") is not None
    assert sorted(p.name for p in laptop.iterdir()) == ["laporan.pdf", "laporan.xlsx"]
    assert not list(laptop.rglob("*.db"))


def test_reports_need_a_supervisors_token_and_a_real_period(hub_process: str) -> None:
    base = hub_process.replace("ws://", "http://")

    def status(path: str, token: str | None) -> tuple[int, dict[str, str]]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers),
                                        timeout=10) as answer:
                return answer.status, {}
        except urllib.error.HTTPError as error:
            with error:
                return error.code, json.loads(error.read())

    assert status("/reports?period=2026-11&format=json", None)[0] == 401
    code, body = status("/reports?period=2026-11&format=json", TOKENS["kiosk-1"])
    assert code == 401 and body["message_en"] == "Missing or wrong supervisor token."
    code, body = status("/reports?period=2026-13&format=xlsx", TOKENS["supervisor"])
    assert code == 400 and "not a real date" in body["message_en"]
    code, body = status("/reports?period=2026-11&format=docx", TOKENS["supervisor"])
    assert code == 400 and "format must be" in body["message_en"]
    with pytest.raises(ReportError, match="token"):
        HubReports(hub_process, "not-the-token-of-anyone").preview("2026-11", None)
