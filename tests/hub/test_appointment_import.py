"""`python -m hub appointments import` against a real hub: all rows booked, or none.

The command runs as its own process (as an operator runs it) and talks to a hub on
loopback as a supervisor device from its settings file; what it booked is read back from
the hub's engine, its SQLite appointments table and a second supervisor's screen.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from pathlib import Path

from hub.config import MallConfig, parse_config
from hub.engine.appointments import IMPORT_ROWS_MAX
from hub.protocol import ImportAppointments
from tests.factories import at, small_mall_data
from tests.hub.harness import TOKENS, FakeClock, device, running_hub

ROOT = Path(__file__).resolve().parents[2]


def mall() -> MallConfig:
    data = small_mall_data()
    data["services"][0]["appointments"] = {
        "slot_minutes": 30, "capacity": 2, "days_ahead": 7, "cutoff_minutes": 60,
        "early_minutes": 30, "late_minutes": 15, "call": "at_slot"}
    data["devices"].append({"id": "boss-2", "role": "supervisor",
                            "token": "boss-2-token-for-tests"})
    return parse_config(data)


def settings_file(folder: Path, url: str, device_id: str = "boss", role: str = "supervisor",
                  token: str = TOKENS["boss"]) -> Path:
    path = folder / f"{device_id}.toml"
    path.write_text(f'hub_url = "{url}"\ndevice_id = "{device_id}"\nrole = "{role}"\n'
                    f'token = "{token}"\n')
    path.chmod(0o600)
    return path


async def run_import(settings: Path, csv_file: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "hub", "appointments", "import", "--settings", str(settings),
        str(csv_file), cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def test_a_file_is_booked_whole_once_and_other_screens_see_no_names(tmp_path: Path) -> None:
    db = tmp_path / "hub.db"
    rows = tmp_path / "janji.csv"
    rows.write_text(  # semicolons, as a spreadsheet in Indonesian settings saves them
        "\ufeffservice_id;slot_start;name;contact;language\n"
        "ktp;2026-11-23 10:00;Siti Aminah;081234567890;id\n"
        "\n"
        "ktp;2026-11-23T10:00+07:00;Budi Santoso;4321;en\n"
        "ktp;2026-11-24 08:30;Rina Wati;0813 2222 3333;\n", encoding="utf-8")

    async def scenario() -> None:
        async with (running_hub(mall(), db, FakeClock(at(8))) as (server, url),
                    device(url, "boss-2") as other):
            status, out, err = await run_import(settings_file(tmp_path, url), rows)
            assert (status, err) == (0, ""), err
            assert "imported 3 appointments" in out
            book = server.core.engine.appointments.by_code
            assert sorted((a.name, a.channel, a.slot_start.isoformat(), a.language)
                          for a in book.values()) == [
                ("Budi Santoso", "import", "2026-11-23T10:00:00+07:00", "en"),
                ("Rina Wati", "import", "2026-11-24T08:30:00+07:00", "id"),
                ("Siti Aminah", "import", "2026-11-23T10:00:00+07:00", "id")]
            for line, name in ((2, "Siti Aminah"), (4, "Budi Santoso"), (5, "Rina Wati")):
                [code] = [a.code for a in book.values() if a.name == name]
                assert f"line {line}: {code}  ktp" in out
            seen = []
            while len(seen) < 3:
                message = await other.receive()
                if message["type"] == "event":
                    seen.append(message["event"])
            assert {e["type"] for e in seen} == {"appointment_booked"}
            assert all("name" not in e and "contact" not in e for e in seen)

            again, out, err = await run_import(settings_file(tmp_path, url), rows)
            assert again == 0 and "imported before (the same file)" in out, (out, err)
            assert len(server.core.engine.appointments.by_code) == 3  # nothing twice

    asyncio.run(scenario())
    with sqlite3.connect(db) as connection:
        stored = connection.execute("SELECT count(*) FROM appointments").fetchone()[0]
    connection.close()
    assert stored == 3


def test_refused_rows_are_named_by_line_and_nothing_is_booked(tmp_path: Path) -> None:
    rows = tmp_path / "janji.csv"
    rows.write_text(
        "service_id,slot_start,name,contact\n"
        "ktp,2026-11-23 10:00,Siti Aminah,0812\n"
        "ktp,2026-11-23 10:00,Budi Santoso,4321\n"
        "ktp,2026-11-23 10:00,Rina Wati,0813\n"      # the slot's third: capacity 2
        "ktp,2026-11-23 10:10,Ahmad,5555\n"          # no slot starts at 10.10
        "nope,2026-11-23 10:30,Dewi,6666\n"          # no such service
        "ktp,2026-11-23 08:30,Joko,7777\n", encoding="utf-8")  # booking closed at 07.30

    async def scenario() -> None:
        async with running_hub(mall(), tmp_path / "hub.db", FakeClock(at(8))) as (server, url):
            status, out, err = await run_import(settings_file(tmp_path, url), rows)
            assert status == 1 and out == "", out
            lines = err.splitlines()
            assert lines[-1] == "nothing was imported"
            assert [line.split(": ", 1)[0] for line in lines[:-1]] == [
                f"{rows}:4", f"{rows}:5", f"{rows}:6", f"{rows}:7"]
            assert "Jadwal tersebut sudah penuh" in lines[0] and "(slot_full)" in lines[0]
            assert "(not_a_slot)" in lines[1]
            assert "unknown service 'nope'" in lines[2]
            assert "(booking_closed)" in lines[3]
            assert server.core.engine.appointments.by_code == {}

    asyncio.run(scenario())


def test_a_badly_written_file_is_refused_before_the_hub_is_asked(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_hub(mall(), tmp_path / "hub.db", FakeClock(at(8))) as (server, url):
            settings = settings_file(tmp_path, url)
            bad = tmp_path / "bad.csv"
            bad.write_text("service_id,slot_start,name,contact\n"
                           "ktp,besok jam 10,Siti,0812\n"
                           "ktp,2026-11-23 10:00,,0812\n"
                           "ktp,2026-11-23 10:00,Budi,0812,en\n"
                           "ktp,2026-11-23 10:00,Rina,0813\n", encoding="utf-8")
            status, _out, err = await run_import(settings, bad)
            assert status == 1
            assert f"{bad}:2: slot_start 'besok jam 10' is not a time" in err
            assert f"{bad}:3: name is empty" in err
            assert f"{bad}:4: 5 values, the header has 4 columns" in err
            assert f"{bad}:5" not in err and err.endswith("nothing was imported\n")
            header = tmp_path / "header.csv"
            header.write_text("layanan,jam,nama\nktp,10:00,Siti\n", encoding="utf-8")
            status, _out, err = await run_import(settings, header)
            assert status == 1 and f"{header}:1: the header must name the columns" in err
            kiosk = settings_file(tmp_path, url, "kiosk-1", "kiosk", TOKENS["kiosk-1"])
            status, _out, err = await run_import(kiosk, bad)
            assert status == 2 and "an import books as a supervisor device" in err
            wrong = settings_file(tmp_path, url, token="not-the-token-of-boss")
            good = tmp_path / "good.csv"
            good.write_text("service_id,slot_start,name,contact\n"
                            "ktp,2026-11-23 10:00,Siti,0812\n", encoding="utf-8")
            status, _out, err = await run_import(wrong, good)
            assert status == 2 and "the hub refused boss" in err, err
            assert server.core.engine.appointments.by_code == {}

    asyncio.run(scenario())


def test_the_row_limit_is_the_same_for_the_engine_and_the_protocol() -> None:
    from hub.appointment_import import ROWS_MAX

    rows_field = ImportAppointments.model_fields["rows"]
    assert [m.max_length for m in rows_field.metadata if hasattr(m, "max_length")] == [
        IMPORT_ROWS_MAX]
    assert ROWS_MAX == IMPORT_ROWS_MAX
