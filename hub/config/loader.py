"""Read a mall configuration file and refuse it, with every problem named, if it is wrong."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hub.config.crossref import check_references, item_path
from hub.config.models import MallConfig


class ConfigError(Exception):
    """The configuration file cannot be used; `problems` lists each one as 'file: path: what'."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = [f"{path}: {problem}" for problem in problems]
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{path}: {count} {noun}\n" + "\n".join(self.problems))


def load_config(path: str | Path) -> MallConfig:
    """Load and validate a mall configuration (TOML); raise ConfigError listing every problem."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(path, ["file not found"]) from None
    except OSError as error:
        raise ConfigError(path, [f"cannot read the file: {error.strerror}"]) from None
    except UnicodeDecodeError:
        raise ConfigError(path, ["not valid TOML: the file is not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, [f"not valid TOML: {error}"]) from None
    return parse_config(data, path)


def parse_config(data: dict[str, Any], path: Path = Path("<config>"), *,
                 public: bool = False) -> MallConfig:
    """Validate already-parsed TOML data; raise ConfigError listing every problem.

    `public`: the mall configuration as the hub sends it to devices (hub/config/public.py),
    whose devices carry no credential.
    """
    problems: list[str] = []
    config = None
    try:
        config = MallConfig.model_validate(data, context={"public": public})
    except ValidationError as error:
        problems += [_describe(data, detail) for detail in error.errors(include_url=False)]
    problems += check_references(data, public)
    if problems:
        raise ConfigError(path, problems)
    assert config is not None
    return config


def _describe(data: dict[str, Any], detail: Any) -> str:
    """Turn one pydantic error into 'services[3](ktp-el).prefix: what is wrong (got X)'."""
    location = list(detail["loc"])
    # pydantic appends the union branch or validator name to some locations; drop them.
    location = [part for part in location if not str(part).startswith("function-")]
    parts: list[str] = []
    index = 0
    while index < len(location):
        part = location[index]
        if (
            isinstance(part, str)
            and index + 1 < len(location)
            and isinstance(location[index + 1], int)
            and index == 0
        ):
            parts.append(item_path(data, part, location[index + 1]))
            index += 2
            continue
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
        index += 1
    where = "".join(parts).lstrip(".") or "(top level)"
    message = detail["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if detail["type"] == "missing":
        message = "missing key"
    elif detail["type"] == "extra_forbidden":
        message = "unknown key (a typo?)"
    elif (
        detail["type"] == "list_type"
        and isinstance(detail.get("input"), dict)
        and all(isinstance(part, str) for part in location)
    ):
        header = ".".join(location)
        message += f": write [[{header}]] (double brackets) before each item, not [{header}]"
    elif location[-1:] in (["token"], ["token_hash"]):
        pass  # never echo a secret, not even a wrong one
    elif "input" in detail and detail["type"] not in ("value_error", "assertion_error"):
        shown = repr(detail["input"])
        if len(shown) <= 60:
            message += f" (got {shown})"
    return f"{where}: {message}"
