"""Small, fixed configurations and clocks for tests (independent of config/example-mpp.toml)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from hub.config import MallConfig, parse_config

JAKARTA = ZoneInfo("Asia/Jakarta")
MONDAY = dt.date(2026, 11, 23)


def at(hour: int, minute: int = 0, second: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    """Return a Jakarta time on `day` (a Monday by default)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=JAKARTA)


def _service(sid: str, tenant: str, prefix: str, **extra: Any) -> dict[str, Any]:
    service = {
        "id": sid,
        "tenant": tenant,
        "name": {"id": f"Layanan {sid}", "en": f"Service {sid}"},
        "prefix": prefix,
        "category": "non-perizinan",
        "requirements": {"id": ["KTP-el"]},
        "procedure": {"id": ["Ambil nomor", "Dilayani"]},
        "fee_rupiah": 0,
        "completion_time": {"id": "Selesai di tempat"},
        "service_minutes": 10,
        "target_wait_minutes": 30,
    }
    service.update(extra)
    return service


SMALL_MALL: dict[str, Any] = {
    "mpp": {"name": "MPP Uji", "short_name": "MPP Uji", "timezone": "Asia/Jakarta"},
    "queue": {"priority_mode": "interleave", "priority_interleave_normal_calls": 2,
              "no_show_min_recalls": 1},
    "schedule": {
        "hours": [
            {"days": ["mon", "tue", "wed", "thu"], "open": "08:00", "close": "16:00",
             "cutoff": "15:00"},
            {"days": ["fri"], "open": "08:00", "close": "16:30", "cutoff": "15:00"},
        ],
        "breaks": [{"days": ["fri"], "start": "11:30", "end": "13:00",
                    "reason": {"id": "Sholat Jumat", "en": "Friday prayer"}}],
        "holidays": [{"date": dt.date(2026, 12, 25), "name": "Natal"}],
    },
    "tenants": [
        {"id": "dukcapil", "name": {"id": "Disdukcapil"}, "short_name": "Dukcapil",
         "kind": "opd"},
        {"id": "pajak", "name": {"id": "KPP Pratama"}, "short_name": "KPP", "kind": "vertical",
         "hours": [{"days": ["tue", "thu"], "open": "08:00", "close": "15:00",
                    "cutoff": "14:00"}]},
        {"id": "dpupr", "name": {"id": "DPUPR"}, "short_name": "DPUPR", "kind": "opd"},
    ],
    "services": [
        _service("ktp", "dukcapil", "A"),
        _service("kk", "dukcapil", "B", service_minutes=6),
        _service("npwp", "pajak", "P", daily_quota=3),
        _service("pbg", "dpupr", "G", category="perizinan", allow_priority=False),
    ],
    "counters": [
        {"id": "c1", "name": "Loket 1", "number": 1, "tenant": "dukcapil",
         "services": ["ktp", "kk"], "selection": "weight", "weights": {"ktp": 2, "kk": 1}},
        {"id": "c2", "name": "Loket 2", "number": 2, "tenant": "dukcapil",
         "services": ["kk", "ktp"]},
        {"id": "c3", "name": "Loket 3", "number": 3, "tenant": "pajak", "services": ["npwp"]},
        {"id": "c4", "name": "Loket 4", "number": 4, "tenant": "dpupr", "services": ["pbg"]},
    ],
    "zones": [{"id": "z1", "name": "Lantai 1", "tenants": ["dukcapil"]}],
    "devices": [
        {"id": "kiosk-1", "role": "kiosk", "token": "kiosk-1-token-for-tests"},
        {"id": "counter-c1", "role": "counter", "counter": "c1",
         "token": "counter-c1-token-for-tests"},
        {"id": "display-z1", "role": "display", "zone": "z1", "token": "display-token-for-tests"},
        {"id": "boss", "role": "supervisor", "token": "supervisor-token-for-tests"},
    ],
}


def small_mall_data() -> dict[str, Any]:
    """Return a fresh, editable copy of the small test mall's raw data."""
    return copy.deepcopy(SMALL_MALL)


def small_mall(**queue_rules: Any) -> MallConfig:
    """Return the small test mall, optionally with other queue rules."""
    data = small_mall_data()
    data["queue"].update(queue_rules)
    return parse_config(data)
