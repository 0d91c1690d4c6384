"""`python -m hub appointments import`: book appointments from a CSV file, all or nothing.

The import writes nothing itself. It reads and checks the file, then sends every row in
one `import_appointments` request to the running hub as a supervisor device (its
settings file, as `python -m hub device add --role supervisor` writes it): the hub stays
the one writer of its log, checks each row by the same rules as any booking (places
taken by earlier rows counted), and books all of them or none. Supervisors' screens
are told at once, and a restart keeps them like any booking.

The request id is the file's SHA-256: the same file sent again (a lost answer, a second
run by mistake) gets the first answer again and books nothing twice.

    service_id,slot_start,name,contact,language
    ktp-el,2026-11-24 10:30,Siti Aminah,081234567890,id
    ktp-el,2026-11-24T11:00+07:00,Budi Santoso,4321,en

Exit status: 0 imported (or imported before), 1 refused (nothing booked), 2 the
settings file or the hub could not be used.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import hashlib
import io
import json
import ssl
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hub import protocol as p
from hub.hub_messages import ErrorMessage, Result, Welcome, parse_hub_message

COLUMNS = ("service_id", "slot_start", "name", "contact", "language")
REQUIRED = COLUMNS[:4]
ROWS_MAX = 250
"""As many rows as one request carries (hub/protocol.py ImportAppointments)."""
NAME_MAX, CONTACT_MAX = 80, 32
ANSWER_TIMEOUT_S = 30.0


class ImportProblem(Exception):
    """The file cannot be imported as it is; `lines` says where and why, one per line."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class CsvRow:
    """One row of the file and the line it was on (for messages)."""

    line: int
    row: p.ImportRow


def read_rows(path: Path) -> tuple[bytes, list[CsvRow]]:
    """Read and check the file (UTF-8, comma or semicolon); raise ImportProblem listing all."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportProblem([f"{path}: cannot read: {error.strerror or error}"]) from None
    try:
        text = raw.decode("utf-8-sig")  # a spreadsheet's export may start with a BOM
    except UnicodeDecodeError as error:
        raise ImportProblem([f"{path}: not UTF-8 text (byte {error.start}); save the file "
                             "as CSV UTF-8"]) from None
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise ImportProblem([f"{path}: the file is empty"]) from None
    problems = []
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED if name not in header]
    if unknown or missing or len(set(header)) != len(header):
        problems.append(f"{path}:1: the header must name the columns "
                        f"{', '.join(REQUIRED)} (and optionally language), each once; "
                        f"found {', '.join(header) or 'nothing'}")
        raise ImportProblem(problems)
    rows: list[CsvRow] = []
    for values in reader:
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue  # an empty line (spreadsheets end with some)
        if len(values) != len(header):
            problems.append(f"{path}:{line}: {len(values)} values, the header has "
                            f"{len(header)} columns")
            continue
        fields = {name: value.strip() for name, value in zip(header, values, strict=True)}
        problem, row = _row(fields)
        if problem:
            problems.append(f"{path}:{line}: {problem}")
        elif row is not None:
            rows.append(CsvRow(line, row))
    if not problems and not rows:
        problems.append(f"{path}: no appointments in the file (only its header)")
    if len(rows) > ROWS_MAX:
        problems.append(f"{path}: {len(rows)} appointments; one import books at most "
                        f"{ROWS_MAX} — split the file (each part is all or nothing)")
    if problems:
        raise ImportProblem(problems)
    return raw, rows


def _row(fields: dict[str, str]) -> tuple[str | None, p.ImportRow | None]:
    """Check one row's values (the hub checks the rules); (problem, None) or (None, row)."""
    for name in REQUIRED:
        if not fields.get(name):
            return f"{name} is empty", None
    if len(" ".join(fields["name"].split())) > NAME_MAX:
        return f"name is longer than {NAME_MAX} characters", None
    if len("".join(fields["contact"].split())) > CONTACT_MAX:
        return f"contact is longer than {CONTACT_MAX} characters", None
    language = fields.get("language") or "id"
    if language not in ("id", "en"):
        return f"language is id or en, not {language!r}", None
    try:
        start = dt.datetime.fromisoformat(fields["slot_start"])
    except ValueError:
        return (f"slot_start {fields['slot_start']!r} is not a time like 2026-11-24 10:30 "
                "(mall time) or 2026-11-24T10:30+07:00"), None
    try:
        row = p.ImportRow.model_validate_json(json.dumps({
            "service_id": fields["service_id"], "slot_start": start.isoformat(),
            "name": fields["name"], "contact": fields["contact"], "language": language}))
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        return f"{'.'.join(str(x) for x in first['loc'])}: {first['msg']}", None
    return None, row


def import_request(raw: bytes, rows: list[CsvRow]) -> p.ImportAppointments:
    """The one request of this file; its id is the file's hash (a rerun is answered again)."""
    return p.ImportAppointments(
        type="import_appointments", request_id="import-" + hashlib.sha256(raw).hexdigest()[:40],
        rows=[r.row for r in rows])


async def send(url: str, device_id: str, token: str, ssl_context: ssl.SSLContext | None,
               request: p.ImportAppointments) -> Result | ErrorMessage:
    """Say hello as the supervisor, send the request, return the hub's answer to it."""
    from websockets.asyncio.client import connect

    async with connect(url, proxy=None, ssl=ssl_context, open_timeout=10,
                       max_size=8 * 1024 * 1024, close_timeout=2) as connection:
        await connection.send(p.Hello(type="hello", device_id=device_id,
                                      token=token).model_dump_json())
        first = parse_hub_message(await asyncio.wait_for(connection.recv(), 10))
        if isinstance(first, ErrorMessage):
            return first
        if not isinstance(first, Welcome):
            raise OSError(f"the hub sent {first.type} before its welcome")
        await connection.send(request.model_dump_json())
        while True:  # events pushed to this supervisor arrive too; the answer is ours
            message = parse_hub_message(
                await asyncio.wait_for(connection.recv(), ANSWER_TIMEOUT_S))
            if isinstance(message, Result | ErrorMessage) and (
                    message.request_id == request.request_id):
                return message


def report_refusal(path: Path, rows: list[CsvRow], error: ErrorMessage) -> list[str]:
    """The hub's refusal as lines naming the file's lines."""
    if error.code != "import_refused" or not error.rows:
        return [f"{path}: the hub refused the import: {error.message_id} / {error.message_en}"]
    lines = []
    for refused in error.rows:
        row = rows[int(refused["row"]) - 1]
        why = refused.get("reason") or refused.get("code")
        lines.append(f"{path}:{row.line}: {refused['message_id']} / {refused['message_en']} "
                     f"({why})")
    return lines


def import_command(args: argparse.Namespace) -> int:
    """Run `appointments import`."""
    from hub.client.settings import SettingsError, load_settings

    try:
        settings = load_settings(args.settings)
    except SettingsError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 2
    if settings.role != "supervisor":
        print(f"{args.settings}: the settings of {settings.device_id} ({settings.role}); an "
              "import books as a supervisor device — give a supervisor's settings file",
              file=sys.stderr)
        return 2
    try:
        raw, rows = read_rows(args.file)
    except ImportProblem as problem:
        for line in problem.lines:
            print(line, file=sys.stderr)
        print("nothing was imported", file=sys.stderr)
        return 1
    request = import_request(raw, rows)
    try:
        answer = asyncio.run(send(settings.hub_url, settings.device_id, settings.token,
                                  settings.ssl_context(), request))
    except (OSError, TimeoutError, ssl.SSLError) as error:
        print(f"appointments import: cannot reach the hub at {settings.hub_url}: "
              f"{error or type(error).__name__}; nothing was imported (the same command "
              "again is safe: a file the hub already booked is not booked twice)",
              file=sys.stderr)
        return 2
    except Exception as error:  # websockets' handshake errors and closed connections
        print(f"appointments import: the hub at {settings.hub_url} did not answer: "
              f"{type(error).__name__}: {error}; run the same command again (it is safe)",
              file=sys.stderr)
        return 2
    if isinstance(answer, ErrorMessage):
        if answer.request_id is None and answer.code in ("auth_failed", "not_allowed"):
            print(f"appointments import: the hub refused {settings.device_id}: "
                  f"{answer.message_id} / {answer.message_en}", file=sys.stderr)
            return 2
        for line in report_refusal(args.file, rows, answer):
            print(line, file=sys.stderr)
        print("nothing was imported", file=sys.stderr)
        return 1
    print(_summary(args.file, rows, answer))
    return 0


def _summary(path: Path, rows: list[CsvRow], result: Result) -> str:
    """One line per booked appointment: line, code, service, slot."""
    booked = [e for e in result.events if e["type"] == "appointment_booked"]
    head = (f"{path}: imported before (the same file): the hub's answer then, nothing new "
            f"booked — {len(booked)} appointments" if result.replayed
            else f"{path}: imported {len(booked)} appointments")
    lines = [head]
    for row, event in zip(rows, booked, strict=True):
        start = dt.datetime.fromisoformat(event["slot_start"])
        lines.append(f"  line {row.line}: {event['code']}  {event['service_id']}  "
                     f"{start:%Y-%m-%d %H:%M}")
    return "\n".join(lines)


def add_parser(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add `appointments import` to the hub's command line."""
    appointments = commands.add_parser(
        "appointments", parents=parents, help="import appointments (antrean online) from CSV",
        description="Appointments (docs/protocol.md §21).")
    actions = appointments.add_subparsers(dest="action", required=True, metavar="ACTION")
    sub = actions.add_parser(
        "import", parents=parents, help="book the appointments of a CSV file, all or nothing",
        description="Book every row of a CSV file (UTF-8, comma or semicolon separated) at "
        "the running hub, or none: columns service_id, slot_start (2026-11-24 10:30 in mall "
        "time, or with an offset), name, contact (a phone number or the NIK's last digits) "
        "and optionally language (id or en). Each row is checked by the same rules as a "
        "booking on the portal; every refused row is listed with its line and nothing is "
        "booked. The rows go to the hub as a supervisor device (its settings file), so the "
        "hub stays the one writer of its log; the same file sent twice is booked once. "
        f"At most {ROWS_MAX} rows per file. Prints each booking code with its line.",
        epilog="Exit 0 imported (or imported before), 1 refused (nothing booked), 2 the "
        "settings file or the hub could not be used.")
    sub.add_argument("file", type=Path, metavar="FILE.csv", help="the appointments to book")
    sub.add_argument("--settings", required=True, type=Path,
                     help="a supervisor device's settings file (hub URL, device id, token, "
                     "the hub's certificate pin), as `python -m hub device add --role "
                     "supervisor` or `device settings` writes it")
    sub.set_defaults(handler=import_command)
