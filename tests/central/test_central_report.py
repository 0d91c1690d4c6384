"""The central report equals each hub's own report, for one MPP among several."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import psycopg
import pytest
from openpyxl import load_workbook

from bench.synthetic_year import write_year
from hub.__main__ import main
from hub.central.report import CentralLine, CentralReport, build_central_report, parse_by
from hub.config import MallConfig, load_config
from hub.eventlog import open_readonly
from hub.reports import Report, build_report, parse_period
from hub.reports.report import CountLine
from tests.factories import small_mall
from tests.reports.conftest import build_day

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "example-mpp.toml"
GENERATED = dt.datetime(2027, 1, 10, 3, 0, tzinfo=dt.UTC)
"""After both logs' days have closed, for the hub's report and the central one alike."""


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two hubs: the small real day (HubCore) and a synthetic year of the example MPP."""
    folder = tmp_path_factory.mktemp("hubs")
    build_day(folder / "uji.db", small_mall())
    write_year(folder / "cilegon.db", load_config(EXAMPLE), 2026, visits=2500, seed=5)
    return {"uji": folder / "uji.db", "cilegon": folder / "cilegon.db"}


@pytest.fixture
def shipped(central_url: str, logs: dict[str, Path]) -> str:
    """Both hubs shipped through the command line, the example with its configuration."""
    assert main(["ship", "--db", str(logs["uji"]), "--to", central_url, "--mpp-id", "uji",
                 "--once"]) == 0
    assert main(["ship", "--db", str(logs["cilegon"]), "--to", central_url, "--mpp-id",
                 "cilegon", "--config", str(EXAMPLE), "--once", "--batch-size", "2000"]) == 0
    return central_url


def local(db: Path, config: MallConfig, period: str) -> Report:
    connection = open_readonly(db)
    try:
        return build_report(connection, config, parse_period(period), generated_at=GENERATED)
    finally:
        connection.close()


def central(url: str, period: str, by: str, mpp_id: str | None = None) -> CentralReport:
    with psycopg.connect(url, autocommit=True) as connection:
        return build_central_report(connection, parse_period(period), parse_by(by), mpp_id,
                                    generated_at=GENERATED)


def assert_lines_equal(hub_lines: list[CountLine], lines: list[CentralLine]) -> None:
    """Each group's counts are the hub's; groups the hub shows empty have no central row."""
    by_key = {line.key[-1]: line.counts for line in lines}
    hub = {line.key: line.counts for line in hub_lines if line.counts.issued}
    assert by_key == hub


@pytest.mark.parametrize(("mpp_id", "period", "config"), [
    ("uji", "2026-11-23", None), ("cilegon", "2026", EXAMPLE), ("cilegon", "2026-03", EXAMPLE)])
def test_central_numbers_for_one_mpp_equal_its_hubs_report(
        shipped: str, logs: dict[str, Path], mpp_id: str, period: str,
        config: Path | None) -> None:
    mall = load_config(config) if config else small_mall()
    hub = local(logs[mpp_id], mall, period)
    assert hub.meta.evidence is not None and hub.meta.evidence.ok
    tenants = central(shipped, period, "tenant", mpp_id)
    assert tenants.total.counts == hub.totals
    assert tenants.total.counts.issued > 0
    assert_lines_equal(hub.by_tenant, tenants.lines)
    assert_lines_equal(hub.by_service, central(shipped, period, "service", mpp_id).lines)
    assert_lines_equal(hub.by_category, central(shipped, period, "category", mpp_id).lines)
    bucket = {"year": "month", "month": "day", "day": None}[hub.meta.period.kind]
    if bucket is not None:
        assert_lines_equal(hub.by_bucket, central(shipped, period, bucket, mpp_id).lines)
    # IKM per tenant and overall, and the mean times.
    assert tenants.total.skm is not None and hub.skm_total.ikm is not None
    assert tenants.total.skm.ikm == hub.skm_total.ikm
    assert tenants.total.skm.respondents == hub.skm_total.respondents
    assert {line.key[0]: line.skm.ikm for line in tenants.lines
            if line.skm and line.skm.respondents} == {r.key: r.ikm for r in hub.skm_by_tenant}
    assert tenants.total.mean_wait_minutes == pytest.approx(hub.times_total.wait.mean_minutes)
    assert tenants.total.mean_service_minutes == pytest.approx(
        hub.times_total.service.mean_minutes)
    by_mpp = central(shipped, period, "mpp")
    assert [r.ikm for r in by_mpp.ikm_by_mpp if r.key == mpp_id] == [hub.skm_total.ikm]
    assert next(line.counts for line in by_mpp.lines if line.key == (mpp_id,)) == hub.totals


def test_across_mpps_the_groups_add_up_and_names_come_from_the_configuration(
        shipped: str) -> None:
    by_mpp = central(shipped, "2026", "mpp")
    assert [line.key for line in by_mpp.lines] == [("cilegon",), ("uji",)]
    assert by_mpp.lines[0].labels == ("Mal Pelayanan Publik Kota Cilegon",)
    assert by_mpp.total.counts == sum((line.counts for line in by_mpp.lines),
                                      type(by_mpp.total.counts)())
    matrix = central(shipped, "2026", "tenant,month")
    assert sum((line.counts for line in matrix.lines),
               type(matrix.total.counts)()) == by_mpp.total.counts
    assert any(line.labels[1] == "November 2026" for line in matrix.lines)
    assert [s.mpp_id for s in by_mpp.sources] == ["cilegon", "uji"]
    assert not by_mpp.faulty
    with pytest.raises(ValueError, match="tenant,month"):
        parse_by("tenant,week")


def test_central_report_exports_csv_xlsx_and_pdf(
        shipped: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt, name in (("csv", "pusat.zip"), ("xlsx", "pusat.xlsx"), ("pdf", "pusat.pdf")):
        assert main(["report", "--central", shipped, "--period", "2026", "--by", "mpp",
                     "--format", fmt, "--out", str(tmp_path / name)]) == 0
    out = capsys.readouterr().out
    assert "2 rows by mpp" in out and "cilegon: central head seq" in out
    with zipfile.ZipFile(tmp_path / "pusat.zip") as archive:
        assert archive.namelist() == ["00_info.csv", "01_per_mpp.csv", "02_ikm_mpp.csv",
                                      "03_berkas_tidak_lengkap.csv",
                                      "04_persyaratan_kurang.csv", "05_sumber_data.csv"]
        rows = list(csv.reader(io.StringIO(archive.read("01_per_mpp.csv").decode("utf-8-sig"))))
    assert rows[0][:3] == ["MPP", "Pengunjung", "Dilayani"]
    assert [row[0] for row in rows[1:]] == ["Mal Pelayanan Publik Kota Cilegon", "uji", "Jumlah"]
    assert int(rows[3][1]) == int(rows[1][1]) + int(rows[2][1])
    workbook = load_workbook(tmp_path / "pusat.xlsx")
    assert workbook.sheetnames == ["Info", "Per mpp", "IKM mpp", "Berkas tidak lengkap",
                                   "Persyaratan kurang", "Sumber data"]
    assert (tmp_path / "pusat.pdf").read_bytes().startswith(b"%PDF")
    assert main(["report", "--central", shipped, "--period", "2026", "--by", "week",
                 "--format", "csv", "--out", str(tmp_path / "x.zip")]) == 1
    assert "--by takes one or more of" in capsys.readouterr().err
