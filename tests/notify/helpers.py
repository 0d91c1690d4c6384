"""The small test mall with [notifications], in memory and as a TOML file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from hub.config import MallConfig, parse_config
from tests.factories import small_mall_data

SECRET = "uji-rahasia-webhook-0123456789"
"""The tests' webhook secret (never a real one)."""


def notify_data(url: str, secret_file: str = "notify-secret", **settings: Any
                ) -> dict[str, Any]:
    """The small mall's data with notifications to `url` (a loopback receiver)."""
    data = small_mall_data()
    data["notifications"] = {"mall_id": "uji", "places_before": 2,
                             "retry_first_seconds": 2, "retry_max_seconds": 60,
                             "webhook": {"url": url, "secret_file": secret_file,
                                         "timeout_seconds": 5},
                             **settings}
    return data


def write_secret(folder: Path, name: str = "notify-secret") -> Path:
    """The secret file the mall file names (beside it)."""
    path = folder / name
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def notify_mall(url: str, **settings: Any) -> MallConfig:
    """The small mall, notifying `url`."""
    return parse_config(notify_data(url, **settings))


def toml_text(data: dict[str, Any]) -> str:
    """Write the test mall's data as TOML (the command line reads a file)."""

    def value(item: object) -> str:
        if isinstance(item, dict):
            return "{ " + ", ".join(f"{k} = {value(v)}" for k, v in item.items()) + " }"
        if isinstance(item, list):
            return "[" + ", ".join(value(v) for v in item) + "]"
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, str):
            return json.dumps(item, ensure_ascii=False)
        if isinstance(item, dt.date):
            return item.isoformat()
        return repr(item)

    lines: list[str] = []
    for key, section in data.items():
        if isinstance(section, list):
            for item in section:
                lines += [f"[[{key}]]", *(f"{k} = {value(v)}" for k, v in item.items()), ""]
        else:
            lines += [f"[{key}]", *(f"{k} = {value(v)}" for k, v in section.items()), ""]
    return "\n".join(lines)


def write_mall(folder: Path, url: str, always_open: bool = False, **settings: Any) -> Path:
    """mall.toml and its secret file in `folder`; the mall file's path.

    `always_open`: every day 00:00-23:59 with no breaks or holidays, for a hub on the real
    clock (a sender process judges a notification's age by the real time).
    """
    write_secret(folder)
    data = notify_data(url, **settings)
    if always_open:
        data["schedule"] = {"hours": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat",
                                                "sun"], "open": "00:00", "close": "23:59"}]}
    path = folder / "mall.toml"
    path.write_text(toml_text(data), encoding="utf-8")
    return path
