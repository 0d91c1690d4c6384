"""The mall's configuration: typed models, loaded from TOML and validated as a whole."""

from hub.config.loader import ConfigError, load_config, parse_config
from hub.config.models import (
    WEEKDAYS,
    Counter,
    Device,
    Hours,
    MallConfig,
    PrinterSettings,
    Service,
    Tenant,
    Text,
    Zone,
)

__all__ = [
    "WEEKDAYS",
    "ConfigError",
    "Counter",
    "Device",
    "Hours",
    "MallConfig",
    "PrinterSettings",
    "Service",
    "Tenant",
    "Text",
    "Zone",
    "load_config",
    "parse_config",
]
