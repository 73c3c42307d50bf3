"""The WeCare service menu (shared/config/service_menu.toml): activity codes,
credits, rules and need areas, the vocabulary the services share."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

_CONFIG = Path(__file__).parent / "config" / "service_menu.toml"


@dataclass(frozen=True)
class Activity:
    code: str
    name: str
    credits: int
    areas: tuple[str, ...]
    mandatory: bool = False
    requires: tuple[str, ...] = ()
    cohort: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Menu:
    version: int
    credits_per_factory: int
    areas: dict[str, str]
    activities: dict[str, Activity]

    def answering(self, area: str) -> list[str]:
        """Activities that answer a need area (mandatory ones are in every plan anyway)."""
        return [a.code for a in self.activities.values() if area in a.areas and not a.mandatory]


@cache
def menu() -> Menu:
    d = tomllib.loads(_CONFIG.read_text(encoding="utf-8"))
    acts = {code: Activity(code=code, name=a["name"], credits=int(a["credits"]), areas=tuple(a["areas"]),
                           mandatory=bool(a.get("mandatory", False)), requires=tuple(a.get("requires", ())),
                           cohort=dict(a.get("cohort", {})))
            for code, a in d["activities"].items()}
    return Menu(int(d["version"]), int(d["credits_per_factory"]), dict(d["areas"]), acts)
