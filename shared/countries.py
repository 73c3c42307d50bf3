"""The country registry: data from config/countries.toml, never code."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from shared.i18n import N_, Text

_CONFIG = Path(__file__).parent / "config" / "countries.toml"


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    timezone: str
    statutory_maternity_leave_days: int
    languages: tuple[str, ...]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@cache
def countries() -> dict[str, Country]:
    data = tomllib.loads(_CONFIG.read_text(encoding="utf-8"))["countries"]
    return {
        code: Country(
            code=code,
            name=c["name"],
            timezone=c["timezone"],
            statutory_maternity_leave_days=int(c["statutory_maternity_leave_days"]),
            languages=tuple(c.get("languages", ())),
        )
        for code, c in data.items()
    }


class UnknownCountry(ValueError):
    def __init__(self, code: str) -> None:
        known = ", ".join(sorted(countries()))
        super().__init__(f"unknown country {code!r}; known: {known}")
        self.code = code
        self.text = Text(N_("unknown country %(country)s; known: %(known)s"), {"country": repr(code), "known": known})


def country(code: str) -> Country:
    try:
        return countries()[code]
    except KeyError:
        raise UnknownCountry(code) from None


def parse_country_list(value: str | list[str] | None) -> tuple[str, ...]:
    """'bd,vn' -> ('bd', 'vn'); empty or '*' -> every configured country."""
    if value is None or value == "" or value == "*" or value == ["*"]:
        return tuple(sorted(countries()))
    items = value.split(",") if isinstance(value, str) else value
    codes = tuple(sorted({c.strip().lower() for c in items if c.strip()}))
    for c in codes:
        country(c)
    return codes
