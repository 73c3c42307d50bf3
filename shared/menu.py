"""The WeCare service menu: activity codes, credits, rules and need areas,
the vocabulary the services share and the planning service's catalogue.

The menu is versioned data: shared/config/menus/v<N>.toml (or the folder in
WECARE_MENU_DIR). The highest version is the current one; a plan keeps the
version it was made with, so an older version stays readable."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

_DEFAULT_DIR = Path(__file__).parent / "config" / "menus"
_FILE = re.compile(r"^v(\d+)\.toml$")


KINDS = ("training", "event", "service")


def is_training(activity: str) -> bool:
    """Whether an activity code is a training in the menu that has it last."""
    for v in reversed(versions()):
        a = menu(v).activities.get(activity)
        if a is not None:
            return a.kind == "training"
    return False


class UnknownMenuVersion(LookupError):
    pass


@dataclass(frozen=True)
class Cohort:
    role: str  # who takes part, e.g. "parent", "child"
    size: int  # how many at most for the credits


@dataclass(frozen=True)
class Activity:
    code: str
    name: str
    credits: int
    areas: tuple[str, ...]
    mandatory: bool = False
    requires: tuple[str, ...] = ()
    cohort: Cohort | None = None
    countries: tuple[str, ...] | None = None  # None: offered everywhere
    kind: str = "service"  # "training", "event" or "service": buyers' figures count trainings

    def offered_in(self, country: str) -> bool:
        return self.countries is None or country in self.countries


@dataclass(frozen=True)
class Menu:
    version: int
    credits_per_factory: int
    areas: dict[str, str]
    activities: dict[str, Activity] = field(default_factory=dict)

    def answering(self, area: str) -> list[str]:
        """Activities that answer a need area (mandatory ones are in every plan anyway)."""
        return [a.code for a in self.activities.values() if area in a.areas and not a.mandatory]

    def offered(self, country: str) -> dict[str, Activity]:
        return {c: a for c, a in self.activities.items() if a.offered_in(country)}

    def to_dict(self) -> dict:
        return {
            "version": self.version, "credits_per_factory": self.credits_per_factory, "areas": self.areas,
            "activities": [
                {"code": a.code, "name": a.name, "credits": a.credits, "areas": list(a.areas),
                 "mandatory": a.mandatory, "requires": list(a.requires),
                 "cohort": {"role": a.cohort.role, "size": a.cohort.size} if a.cohort else None,
                 "countries": list(a.countries) if a.countries is not None else None, "kind": a.kind}
                for a in self.activities.values()
            ],
        }


def menu_dir() -> Path:
    return Path(os.environ.get("WECARE_MENU_DIR") or _DEFAULT_DIR)


def versions() -> list[int]:
    return sorted(int(m.group(1)) for p in menu_dir().iterdir() if (m := _FILE.match(p.name)))


def menu(version: int | None = None) -> Menu:
    """The menu of that version; the current (highest) one by default."""
    if version is None:
        found = versions()
        if not found:
            raise UnknownMenuVersion(f"no menu in {menu_dir()}")
        version = found[-1]
    return _load(menu_dir(), version)


@cache
def _load(folder: Path, version: int) -> Menu:
    path = folder / f"v{version}.toml"
    if not path.exists():
        raise UnknownMenuVersion(f"menu version {version} does not exist")
    d = tomllib.loads(path.read_text(encoding="utf-8"))
    if int(d["version"]) != version:
        raise ValueError(f"{path} says version {d['version']}")
    acts = {}
    for code, a in d["activities"].items():
        cohort = a.get("cohort")
        unknown = [x for x in a["areas"] if x not in d["areas"]]
        if unknown:
            raise ValueError(f"{path}: activity {code} names unknown areas {unknown}")
        acts[code] = Activity(
            code=code, name=a["name"], credits=int(a["credits"]), areas=tuple(a["areas"]),
            mandatory=bool(a.get("mandatory", False)), requires=tuple(a.get("requires", ())),
            cohort=Cohort(str(cohort["role"]), int(cohort["size"])) if cohort else None,
            countries=tuple(a["countries"]) if "countries" in a else None, kind=str(a.get("kind", "service")))
        if acts[code].kind not in KINDS:
            raise ValueError(f"{path}: activity {code} has kind {acts[code].kind!r}, not one of {KINDS}")
    for a in acts.values():
        missing = [r for r in a.requires if r not in acts]
        if missing:
            raise ValueError(f"{path}: activity {a.code} requires unknown {missing}")
    return Menu(version, int(d["credits_per_factory"]), dict(d["areas"]), acts)
