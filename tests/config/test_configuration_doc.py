"""docs/configuration.md says what config/example-mpp.toml and the checker really do.

The document is where an MPP's technician learns the file; counts, roles and role
fields it states are compared here with the example and with the models, so the two
cannot drift apart again (it said 33 devices when the example had 43, and knew no
survey tablets).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import ValidationError

from hub.__main__ import main
from hub.config import MallConfig, load_config
from hub.config.models import Device, Role

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "example-mpp.toml"
DOC = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
ROLE_WORDS = r"kiosk|counter|display|supervisor|survey|portal"


@pytest.fixture(scope="module")
def example() -> MallConfig:
    return load_config(EXAMPLE)


def table_row(key: str) -> list[str]:
    """The cells of the [[devices]] table's row for `key`."""
    section = DOC.split("## `[[devices]]`", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if cells[0] == f"`{key}`":
            return cells
    raise AssertionError(f"no row for {key} in the devices table")


def roles_named(text: str) -> set[str]:
    return set(re.findall(ROLE_WORDS, text))


def test_the_documented_check_line_is_what_check_prints(
    capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    command = "$ python -m hub check --config config/example-mpp.toml\n"
    documented = DOC.split(command, 1)[1].split("\n", 1)[0]
    monkeypatch.chdir(ROOT)
    assert main(["check", "--config", "config/example-mpp.toml"]) == 0
    assert capsys.readouterr().out.splitlines() == [documented]


def test_every_count_the_doc_states_matches_the_example(example: MallConfig) -> None:
    actual = {"tenants": len(example.tenants), "services": len(example.services),
              "counters": len(example.counters), "devices": len(example.devices)}
    stated = re.findall(r"(\d+) (tenants|services|counters|devices)\b", DOC)
    assert {what for _, what in stated} == set(actual)  # each is stated somewhere
    for number, what in stated:
        assert int(number) == actual[what], f"the doc says {number} {what}"


def test_the_doc_counts_the_example_devices_by_role(example: MallConfig) -> None:
    sentence = re.search(r"The example has (\d+): ([^.]+)\.", DOC)
    assert sentence is not None
    assert int(sentence[1]) == len(example.devices)
    words = {"kiosk": "kiosk", "counter terminal": "counter", "display": "display",
             "supervisor": "supervisor", "survey tablet": "survey", "portal": "portal"}
    pattern = r"(\d+) (" + "|".join(words) + ")s?"
    stated = {words[what]: int(number) for number, what in re.findall(pattern, sentence[2])}
    assert stated == Counter(device.role for device in example.devices)


def test_the_documented_roles_are_the_roles_the_hub_knows() -> None:
    documented = re.findall(r'`"([a-z]+)"`', table_row("role")[1])
    assert sorted(documented) == sorted(get_args(Role))


def accepts(role: str, key: str) -> bool:
    """Whether a device of `role` may carry `key` (with what its role needs anyway)."""
    values: dict[str, Any] = {"counter": "loket-01", "zone": "lantai-1",
                              "printer": {"backend": "virtual", "folder": "var/t"}}
    data: dict[str, Any] = {"id": "d", "role": role, "token": "t" * 16, key: values[key]}
    if role in ("counter", "survey"):
        data["counter"] = values["counter"]
    try:
        Device.model_validate(data)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("key", ["counter", "zone", "printer"])
def test_the_documented_role_fields_are_the_ones_the_checker_accepts(key: str) -> None:
    accepted = {role for role in get_args(Role) if accepts(role, key)}
    meaning = table_row(key)[3]
    assert roles_named(meaning.split("devices only", 1)[0]) == accepted
    rule = re.search(r"only ([a-z ]+?) (?:devices )?have `" + key + "`",
                     " ".join(DOC.split("- **Role fields**:", 1)[1].split("\n\n", 1)[0].split()))
    assert rule is not None and roles_named(rule[1]) == accepted
