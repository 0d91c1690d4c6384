"""The mall configuration: the example MPP loads, and broken copies are refused precisely.

Broken copies are made by editing the parsed example (a deep copy) and calling
`parse_config`, or by writing a file and calling `load_config` or the CLI. Every
refusal is checked for the exact key path, so an operator can find the mistake.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hub.__main__ import main
from hub.config import ConfigError, MallConfig, load_config, parse_config
from hub.config.models import TextList

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "example-mpp.toml"
DOCS = ROOT / "docs" / "configuration.md"
FILE = Path("mpp.toml")

EXAMPLE_DATA: dict[str, Any] = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))

Data = dict[str, Any]


def index(section: str, ident: str) -> int:
    """Position of the entry with this id in a section of the example."""
    ids = [entry["id"] for entry in EXAMPLE_DATA[section]]
    return ids.index(ident)


def at(section: str, ident: str) -> str:
    """The key path the checker uses for an entry: services[0](ktp-el)."""
    return f"{section}[{index(section, ident)}]({ident})"


def item(data: Data, section: str, ident: str) -> dict[str, Any]:
    return data[section][index(section, ident)]


def problems_of(data: Data) -> list[str]:
    """The problems parse_config reports for `data` (which must be refused)."""
    with pytest.raises(ConfigError) as caught:
        parse_config(data, FILE)
    assert caught.value.path == FILE
    return caught.value.problems


def broken(mutate: Callable[[Data], object]) -> list[str]:
    data = copy.deepcopy(EXAMPLE_DATA)
    mutate(data)
    return problems_of(data)


@pytest.fixture(scope="module")
def example() -> MallConfig:
    return load_config(EXAMPLE)


# --- the example MPP ---------------------------------------------------------------


def test_example_is_a_full_size_mall(example: MallConfig) -> None:
    assert len(example.tenants) >= 12
    assert len(example.services) >= 30
    assert len(example.counters) >= 24
    assert example.mpp.timezone == "Asia/Jakarta"
    kinds = {tenant.kind for tenant in example.tenants}
    assert {"opd", "vertical", "bank"} <= kinds


def test_every_service_is_served_by_a_counter_of_its_own_tenant(example: MallConfig) -> None:
    for service in example.services:
        counters = example.counters_serving(service.id)
        assert counters, f"{service.id} is served by no counter"
        assert all(counter.tenant == service.tenant for counter in counters)
    for tenant in example.tenants:
        assert example.services_of(tenant.id), f"{tenant.id} offers no service"


def test_example_keeps_the_ids_other_code_relies_on(example: MallConfig) -> None:
    assert example.service("ktp-el").prefix == "A"
    assert example.service("kk").prefix == "B"
    assert example.service("npwp").prefix == "P"
    assert example.service("ktp-el").tenant == "disdukcapil"
    assert example.service("npwp").tenant == "kpp-pratama"
    assert example.counter("loket-01").services == ["ktp-el", "kk"]
    assert example.counter("loket-01").selection == "weight"
    assert example.counter("loket-01").weights == {"ktp-el": 2, "kk": 1}
    assert example.counter("loket-02").services == ["kk", "ktp-el"]
    assert example.counter("loket-03").services == ["npwp"]
    assert [example.counter(f"loket-0{n}").number for n in (1, 2, 3)] == [1, 2, 3]
    roles = {
        "kiosk-1": "kiosk",
        "counter-loket-01": "counter",
        "counter-loket-02": "counter",
        "counter-loket-03": "counter",
        "display-lantai-1": "display",
        "supervisor": "supervisor",
    }
    for device_id, role in roles.items():
        assert example.device(device_id).role == role
    assert example.device("counter-loket-03").counter == "loket-03"
    assert example.device("display-lantai-1").zone == "lantai-1"


def test_example_counters_are_numbered_one_to_n_and_share_work(example: MallConfig) -> None:
    numbers = sorted(counter.number for counter in example.counters)
    assert numbers == list(range(1, len(example.counters) + 1))
    multi = [counter for counter in example.counters if len(counter.services) > 1]
    assert {counter.selection for counter in multi} == {"order", "weight"}
    for counter in example.counters:
        if counter.selection == "weight":
            assert set(counter.weights) == set(counter.services)


def test_example_services_publish_a_realistic_standard(example: MallConfig) -> None:
    prefixes = [service.prefix for service in example.services]
    assert len(set(prefixes)) == len(prefixes)
    categories = [service.category for service in example.services]
    assert categories.count("perizinan") >= 10
    assert categories.count("non-perizinan") >= 10
    free = [service for service in example.services if service.fee_rupiah == 0]
    assert len(free) > len(example.services) / 2
    for service in example.services:
        assert service.requirements.id, f"{service.id} lists no requirements"
        assert len(service.procedure.id) >= 2, f"{service.id} has no real procedure"
        assert 3 <= service.service_minutes <= 30
        assert service.target_wait_minutes >= service.service_minutes
        assert service.name.en, f"{service.id} has no English name"
    translated = [
        service
        for service in example.services
        if service.requirements.en and service.procedure.en and service.completion_time.en
    ]
    assert len(translated) >= 0.9 * len(example.services)


def test_example_fees_follow_the_law(example: MallConfig) -> None:
    paspor = example.service("paspor-baru")
    assert paspor.fee_rupiah == 350000
    assert paspor.fee_note is not None and "650.000" in paspor.fee_note.id
    assert paspor.daily_quota is not None
    skck = example.service("skck")
    assert skck.fee_rupiah == 30000
    assert skck.daily_quota is not None
    assert example.service("uji-kir").fee_rupiah > 0
    assert example.service("ktp-el").fee_rupiah == 0


def test_vertical_agencies_serve_on_some_days_only(example: MallConfig) -> None:
    assert [h.days for h in example.tenant("kpp-pratama").hours or []] == [["tue", "thu"]]
    part_week = []
    for tenant in example.tenants:
        days = {day for hours in tenant.hours or [] for day in hours.days}
        if tenant.kind == "vertical" and days and len(days) < 5:
            part_week.append(tenant.id)
    assert {"kpp-pratama", "imigrasi", "atr-bpn"} <= set(part_week)
    polres = example.tenant("polres").hours or []
    assert polres[0].close == dt.time(12, 0)


def test_example_schedule(example: MallConfig) -> None:
    schedule = example.schedule
    by_day = {day: hours for hours in schedule.hours for day in hours.days}
    assert set(by_day) == {"mon", "tue", "wed", "thu", "fri"}
    assert by_day["mon"].open == dt.time(8, 0)
    assert by_day["fri"].last_ticket_time == dt.time(15, 0)
    friday = [b for b in schedule.breaks if "fri" in b.days]
    assert [(b.start, b.end, b.reason.id) for b in friday] == [
        (dt.time(11, 30), dt.time(13, 0), "Sholat Jumat")
    ]
    dates = [holiday.date for holiday in schedule.holidays]
    assert len(set(dates)) == len(dates)
    for day in (dt.date(2026, 8, 17), dt.date(2026, 12, 25), dt.date(2027, 1, 1)):
        assert day in dates
    assert sum(d.year == 2026 for d in dates) >= 15
    assert sum(d.year == 2027 for d in dates) >= 15


def test_example_zones_and_devices(example: MallConfig) -> None:
    zoned = [tenant for zone in example.zones for tenant in zone.tenants]
    assert sorted(zoned) == sorted(tenant.id for tenant in example.tenants)
    displays = [device for device in example.devices if device.role == "display"]
    assert {display.zone for display in displays} == {None} | {z.id for z in example.zones}
    kiosks = [device for device in example.devices if device.role == "kiosk"]
    assert len(kiosks) == 2
    printers = {kiosk.id: kiosk.printer for kiosk in kiosks}
    assert {p.paper_mm for p in printers.values() if p} == {58, 80}
    for kiosk_id, printer in printers.items():
        assert printer is not None and printer.backend == "virtual"
        assert printer.folder == f"var/tickets/{kiosk_id}"
    terminals = [device.counter for device in example.devices if device.role == "counter"]
    assert sorted(t for t in terminals if t) == sorted(c.id for c in example.counters)
    assert [d.role for d in example.devices].count("supervisor") == 1
    tokens = [device.token for device in example.devices]
    assert len(set(tokens)) == len(tokens)
    assert all(t.startswith("demo-") and t.endswith("change-me") for t in tokens)


# --- broken copies, one problem each -----------------------------------------------


def _set(section: str, ident: str, key: str, value: object) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        item(data, section, ident)[key] = value

    return mutate


def _delete(section: str, ident: str, key: str) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        del item(data, section, ident)[key]

    return mutate


def _hours(index_: int, key: str, value: object) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        data["schedule"]["hours"][index_][key] = value

    return mutate


def _add_day(data: Data) -> None:
    data["schedule"]["hours"][1]["days"].append("thu")


def _tenant_hours_overlap(data: Data) -> None:
    item(data, "tenants", "imigrasi")["hours"].append(
        {"days": ["wed", "fri"], "open": "13:00", "close": "15:00"}
    )


def _serve_unknown(data: Data) -> None:
    item(data, "counters", "loket-03")["services"].append("akta-nikah")


def _serve_other_tenant(data: Data) -> None:
    item(data, "counters", "loket-03")["services"].append("kk")


def _serve_nobody(data: Data) -> None:
    item(data, "counters", "loket-24")["services"].remove("ukl-upl")


def _copy_token(data: Data) -> None:
    first = item(data, "devices", "counter-loket-01")
    item(data, "devices", "counter-loket-02")["token"] = first["token"]


def _overlapping_break(data: Data) -> None:
    data["schedule"]["breaks"].append(
        {"days": ["fri"], "start": "12:30", "end": "13:30", "reason": {"id": "Rapat"}}
    )


def _holiday_twice(data: Data) -> None:
    data["schedule"]["holidays"].append({"date": dt.date(2026, 12, 25), "name": "Natal lagi"})


def _untranslated_step(data: Data) -> None:
    item(data, "services", "kk")["procedure"]["id"].append("Tanda tangan")


def _zones_as_one_table(data: Data) -> None:
    data["zones"] = data["zones"][0]


HOURS0 = "schedule.hours[0]"
IMIGRASI_HOURS = f"{at('tenants', 'imigrasi')}.hours"

ONE_PROBLEM = [
    pytest.param(
        _delete("services", "ktp-el", "prefix"),
        f"{at('services', 'ktp-el')}.prefix: missing key",
        id="missing-key",
    ),
    pytest.param(
        _set("services", "ktp-el", "service_minutes", "delapan"),
        f"{at('services', 'ktp-el')}.service_minutes: Input should be a valid number",
        id="wrong-type",
    ),
    pytest.param(
        _set("services", "kk", "fee_rupiah", "gratis"),
        f"{at('services', 'kk')}.fee_rupiah: Input should be a valid integer",
        id="wrong-type-fee",
    ),
    pytest.param(
        _set("services", "kk", "service_minute", 6),
        f"{at('services', 'kk')}.service_minute: unknown key (a typo?)",
        id="unknown-key",
    ),
    pytest.param(
        _set("counters", "loket-01", "selektion", "order"),
        f"{at('counters', 'loket-01')}.selektion: unknown key (a typo?)",
        id="unknown-key-counter",
    ),
    pytest.param(
        _serve_unknown,
        f"{at('counters', 'loket-03')}.services[1]: unknown service 'akta-nikah' (known: ",
        id="counter-serves-unknown-service",
    ),
    pytest.param(
        _serve_other_tenant,
        f"{at('counters', 'loket-03')}.services[1]: service 'kk' belongs to tenant "
        "'disdukcapil', not to this counter's tenant 'kpp-pratama'",
        id="counter-serves-other-tenants-service",
    ),
    pytest.param(
        _serve_nobody,
        f"{at('services', 'ukl-upl')}: no counter serves this service, "
        "so its tickets could never be called",
        id="service-without-counter",
    ),
    pytest.param(
        _set("services", "kk", "prefix", "A"),
        f"{at('services', 'kk')}.prefix: duplicate prefix 'A', "
        f"already used by {at('services', 'ktp-el')}",
        id="duplicate-prefix",
    ),
    pytest.param(
        _set("services", "kk", "requirements",
             {"id": ["Surat pengantar RT/RW", "KK lama", "KK lama"]}),
        f"{at('services', 'kk')}.requirements.id[2]: duplicate requirement 'KK lama', "
        "already item 1",
        id="duplicate-requirement",
    ),
    pytest.param(
        _set("devices", "kiosk-2", "id", "kiosk-1"),
        f"devices[{index('devices', 'kiosk-2')}](kiosk-1).id: duplicate id 'kiosk-1', "
        f"already used by {at('devices', 'kiosk-1')}",
        id="duplicate-id",
    ),
    pytest.param(
        _set("counters", "loket-04", "number", 3),
        f"{at('counters', 'loket-04')}.number: duplicate number 3, "
        f"already used by {at('counters', 'loket-03')}",
        id="duplicate-counter-number",
    ),
    pytest.param(
        _add_day,
        "schedule.hours[1].days: overlapping hours, 'thu' is already in schedule.hours[0]",
        id="overlapping-hours",
    ),
    pytest.param(
        _tenant_hours_overlap,
        f"{IMIGRASI_HOURS}[1].days: overlapping hours, 'wed' is already in {IMIGRASI_HOURS}[0]",
        id="overlapping-tenant-hours",
    ),
    pytest.param(
        _hours(0, "days", ["mon", "tue", "mon"]),
        f"{HOURS0}: a weekday is listed twice",
        id="weekday-twice-in-one-entry",
    ),
    pytest.param(
        _hours(0, "open", "17:00"),
        f"{HOURS0}: open (17:00) must be before close (16:00)",
        id="open-after-close",
    ),
    pytest.param(
        _hours(1, "cutoff", "17:00"),
        "schedule.hours[1]: cutoff (17:00) must be after open and not after close",
        id="cutoff-after-close",
    ),
    pytest.param(
        _hours(0, "open", "8.00"),
        f"{HOURS0}.open: time must look like 08:00, got '8.00'",
        id="bad-time-format",
    ),
    pytest.param(
        _hours(0, "close", "25:00"),
        f"{HOURS0}.close: not a time of day: '25:00'",
        id="bad-time-value",
    ),
    pytest.param(
        _hours(0, "open", 800),
        f"{HOURS0}.open: time must look like 08:00, got 800",
        id="time-as-number",
    ),
    pytest.param(
        _overlapping_break,
        "schedule.breaks[2]: overlaps schedule.breaks[1] on 'fri'",
        id="overlapping-breaks",
    ),
    pytest.param(
        _holiday_twice,
        f"schedule.holidays[{len(EXAMPLE_DATA['schedule']['holidays'])}].date: 2026-12-25 "
        "is already schedule.holidays[",
        id="duplicate-holiday",
    ),
    pytest.param(
        lambda data: data["mpp"].update(timezone="Asia/Jakata"),
        "mpp.timezone: unknown time zone 'Asia/Jakata' (use e.g. Asia/Jakarta)",
        id="unknown-time-zone",
    ),
    pytest.param(
        _set("devices", "kiosk-1", "token", "pendek"),
        f"{at('devices', 'kiosk-1')}.token: String should have at least 16 characters",
        id="token-too-short",
    ),
    pytest.param(
        _copy_token,
        f"{at('devices', 'counter-loket-02')}.token: duplicate token (hidden), "
        f"already used by {at('devices', 'counter-loket-01')}",
        id="duplicate-token",
    ),
    pytest.param(
        _delete("devices", "counter-loket-01", "counter"),
        f"{at('devices', 'counter-loket-01')}: a counter device needs counter = <counter id>",
        id="counter-device-without-counter",
    ),
    pytest.param(
        _set("devices", "display-lantai-1", "zone", "lantai-3"),
        f"{at('devices', 'display-lantai-1')}.zone: unknown zone 'lantai-3' "
        "(known: lantai-1, lantai-2)",
        id="display-zone-unknown",
    ),
    pytest.param(
        _set("devices", "kiosk-1", "zone", "lantai-1"),
        f"{at('devices', 'kiosk-1')}: zone is only for display devices, not kiosk",
        id="zone-on-a-kiosk",
    ),
    pytest.param(
        _set("devices", "kiosk-2", "printer", {"backend": "virtual"}),
        f"{at('devices', 'kiosk-2')}.printer: backend 'virtual' needs folder",
        id="printer-without-its-keys",
    ),
    pytest.param(
        _set("counters", "loket-13", "weights", {"bjb-pajak-daerah": 3}),
        f"{at('counters', 'loket-13')}: selection = 'weight' needs a weight for bjb-rekening",
        id="weight-missing",
    ),
    pytest.param(
        _set("services", "skck", "prefix", "skck"),
        f"{at('services', 'skck')}.prefix: String should match pattern",
        id="prefix-not-capitals",
    ),
    pytest.param(
        _set("tenants", "dlh", "kind", "dinas"),
        f"{at('tenants', 'dlh')}.kind: Input should be 'opd', 'vertical', 'bank' or 'bumn'",
        id="choice-not-allowed",
    ),
    pytest.param(
        _untranslated_step,
        f"{at('services', 'kk')}.procedure: en has 3 items but id has 4: translate every item",
        id="translation-missing",
    ),
    pytest.param(
        _zones_as_one_table,
        "zones: Input should be a valid list: write [[zones]] (double brackets) "
        "before each item, not [zones]",
        id="single-brackets",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), ONE_PROBLEM)
def test_broken_copy_is_refused_with_one_precise_problem(
    mutate: Callable[[Data], object], expected: str
) -> None:
    problems = broken(mutate)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{FILE}: {expected}"), problems[0]


def test_an_invalid_id_is_named_with_its_pattern() -> None:
    problems = broken(_set("tenants", "dlh", "id", "DLH"))
    where = f"tenants[{index('tenants', 'dlh')}](DLH).id"
    assert problems[0] == (
        f"{FILE}: {where}: String should match pattern '^[a-z0-9][a-z0-9_-]{{0,47}}$' (got 'DLH')"
    )
    # The renamed tenant's services, counter and zone now point at an unknown id.
    assert all("unknown tenant 'dlh'" in problem for problem in problems[1:])
    assert len(problems) == 1 + 2 + 1 + 1


def test_tokens_are_never_echoed() -> None:
    short = broken(_set("devices", "kiosk-1", "token", "rahasia-pendek"))
    assert "rahasia-pendek" not in "\n".join(short)
    token = EXAMPLE_DATA["devices"][index("devices", "counter-loket-01")]["token"]
    assert token not in "\n".join(broken(_copy_token))


def test_every_problem_is_reported_not_only_the_first() -> None:
    def many(data: Data) -> None:
        del item(data, "services", "ktp-el")["prefix"]
        item(data, "services", "kk")["service_minutes"] = "enam"
        item(data, "services", "npwp")["prefx"] = "P"
        item(data, "services", "skck")["prefix"] = "X"  # paspor-baru's
        _serve_unknown(data)
        _add_day(data)
        data["schedule"]["hours"][0]["cutoff"] = "16:30"
        data["mpp"]["timezone"] = "Asia/Jakata"
        item(data, "devices", "kiosk-1")["token"] = "pendek"
        _copy_token(data)
        del item(data, "devices", "counter-loket-05")["counter"]
        item(data, "devices", "display-lantai-2")["zone"] = "lantai-9"

    problems = broken(many)
    assert len(problems) == 12, "\n".join(problems)
    wheres = {problem.split(": ")[1] for problem in problems}
    assert wheres == {
        f"{at('services', 'ktp-el')}.prefix",
        f"{at('services', 'kk')}.service_minutes",
        f"{at('services', 'npwp')}.prefx",
        f"{at('services', 'paspor-baru')}.prefix",  # the later of the two is named
        f"{at('counters', 'loket-03')}.services[1]",
        "schedule.hours[1].days",
        "schedule.hours[0]",
        "mpp.timezone",
        f"{at('devices', 'kiosk-1')}.token",
        f"{at('devices', 'counter-loket-02')}.token",
        at("devices", "counter-loket-05"),
        f"{at('devices', 'display-lantai-2')}.zone",
    }


MALFORMED = [
    pytest.param(lambda d: d.update(schedule="setiap hari"), id="schedule-not-a-table"),
    pytest.param(lambda d: d["schedule"]["hours"][0].update(days=[["mon"]]), id="nested-days"),
    pytest.param(lambda d: d["schedule"]["breaks"][1].update(days=[["fri"]]), id="nested-break"),
    pytest.param(lambda d: d["schedule"]["breaks"][0].update(start=1200), id="break-number"),
    pytest.param(lambda d: d["schedule"]["holidays"][0].update(date=[2026]), id="date-list"),
    pytest.param(lambda d: d["schedule"].update(holidays=["2026-01-01"]), id="holiday-str"),
    pytest.param(lambda d: d.update(tenants={"id": "x"}), id="tenants-table"),
    pytest.param(lambda d: d["services"].append("pbg"), id="service-not-a-table"),
    pytest.param(lambda d: d["counters"][0].update(services="ktp-el"), id="services-str"),
    pytest.param(lambda d: d["counters"][0].update(weights=[2, 1]), id="weights-list"),
    pytest.param(lambda d: d["counters"][0].update(tenant=["disdukcapil"]), id="tenant-list"),
    pytest.param(lambda d: d["zones"][0].update(tenants="disdukcapil"), id="zone-tenants-str"),
    pytest.param(lambda d: d.update(devices={"id": "kiosk-1"}), id="devices-table"),
    pytest.param(lambda d: d["tenants"][1].update(hours={"days": ["tue"]}), id="hours-table"),
]


@pytest.mark.parametrize("mutate", MALFORMED)
def test_malformed_values_are_reported_never_crash(mutate: Callable[[Data], object]) -> None:
    problems = broken(mutate)
    assert problems
    assert all(problem.startswith(f"{FILE}: ") for problem in problems)


def test_text_list_falls_back_to_indonesian() -> None:
    items = TextList(id=["KTP-el", "KK"])
    assert items.get("en") == ["KTP-el", "KK"]
    assert TextList(id=["KTP-el"], en=["ID card"]).get("en") == ["ID card"]


# --- files ------------------------------------------------------------------------


def test_load_config_reads_the_example_file_path_as_string() -> None:
    assert load_config(str(EXAMPLE)).mpp.short_name == "MPP Cilegon"


def test_invalid_toml_syntax_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "mpp.toml"
    text = EXAMPLE.read_text(encoding="utf-8").replace('short_name = "MPP Cilegon"', "short_name")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [problem] = caught.value.problems
    assert problem.startswith(f"{path}: not valid TOML: ")
    line = 1 + text.splitlines().index("short_name")
    assert re.search(rf"\(at line {line}, column \d+\)$", problem), problem


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "tidak-ada.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.problems == [f"{path}: file not found"]
    assert str(caught.value).startswith(f"{path}: 1 problem\n")


def test_unreadable_paths_are_problems_not_crashes(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.problems == [f"{tmp_path}: cannot read the file: Is a directory"]
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('[mpp]\nname = "Pelayanan Publik Cilegon é"\n'.encode("latin-1"))
    with pytest.raises(ConfigError) as caught:
        load_config(latin1)
    assert caught.value.problems == [f"{latin1}: not valid TOML: the file is not UTF-8 text"]


# --- the command line -------------------------------------------------------------


def test_cli_accepts_the_example(capsys: pytest.CaptureFixture[str], example: MallConfig) -> None:
    assert main(["check", "--config", str(EXAMPLE)]) == 0
    out, err = capsys.readouterr()
    assert out == (
        f"{EXAMPLE}: OK — Mal Pelayanan Publik Kota Cilegon: {len(example.tenants)} tenants, "
        f"{len(example.services)} services, {len(example.counters)} counters, "
        f"{len(example.devices)} devices\n"
    )
    warned = err.splitlines()
    assert [line.split(": ")[1] for line in warned] == ["warning", "warning"]
    assert "plain text" in warned[0] and "loopback" in warned[1]


def test_cli_refuses_a_broken_file_listing_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mpp.toml"
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('timezone = "Asia/Jakarta"', 'timezone = "Asia/Jakata"')
    text = text.replace('prefix = "B"', 'prefix = "A"')
    text = text.replace('token = "demo-kiosk-2-token-change-me"', 'token = "pendek"')
    path.write_text(text, encoding="utf-8")
    assert main(["check", "--config", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{path}: mpp.timezone: unknown time zone 'Asia/Jakata' (use e.g. Asia/Jakarta)",
        f"{path}: {at('devices', 'kiosk-2')}.token: String should have at least 16 characters",
        f"{path}: {at('services', 'kk')}.prefix: duplicate prefix 'A', "
        f"already used by {at('services', 'ktp-el')}",
        "3 problem(s) found; the hub would refuse to start.",
    ]


def test_cli_reports_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tidak-ada.toml"
    assert main(["check", "--config", str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{path}: file not found",
        "1 problem(s) found; the hub would refuse to start.",
    ]


def test_cli_without_config_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["check"])
    assert caught.value.code == 2
    assert "--config" in capsys.readouterr().err


def test_python_dash_m_hub_exit_codes(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(config: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "hub", "check", "--config", str(config)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=60,
            check=False,
        )

    good = run(EXAMPLE)
    assert good.returncode == 0
    # The demo's plain tokens and loopback QR are warned about, and nothing else is said.
    assert [line.split(": warning: ")[0] for line in good.stderr.splitlines()] == [
        str(EXAMPLE), str(EXAMPLE)]
    assert good.stdout.startswith(f"{EXAMPLE}: OK — ")
    bad = tmp_path / "bad.toml"
    bad.write_text("[mpp]\nname = 'MPP'\n", encoding="utf-8")
    refused = run(bad)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert f"{bad}: mpp.short_name: missing key" in refused.stderr.splitlines()
    assert f"{bad}: schedule: missing key" in refused.stderr.splitlines()


def test_the_broken_example_in_the_docs_gives_the_documented_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    section = docs.split("For example, this file:", 1)[1]
    toml_text = section.split("```toml\n", 1)[1].split("```", 1)[0]
    console = section.split("```console\n", 1)[1].split("```", 1)[0].splitlines()
    assert console[0] == "$ python -m hub check --config mpp-rusak.toml"
    documented = console[1 : console.index("$ echo $?")]
    monkeypatch.chdir(tmp_path)
    Path("mpp-rusak.toml").write_text(toml_text, encoding="utf-8")
    assert main(["check", "--config", "mpp-rusak.toml"]) == 1
    assert capsys.readouterr().err.splitlines() == documented
    assert (
        documented[-1] == f"{len(documented) - 1} problem(s) found; the hub would refuse to start."
    )
