"""The policies-and-systems checklist (data: config/checklist.toml) and its
country rules (statutory maternity leave: shared/config/countries.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from shared.aggregate import DomainError
from shared.contracts.assessment import PolicyAnswer
from shared.countries import country as lookup_country
from shared.i18n import N_

_CONFIG = Path(__file__).parent.parent / "config" / "checklist.toml"


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    label: str
    group: str
    area: str
    asks_days: bool


@dataclass(frozen=True)
class Checklist:
    version: int
    items: dict[str, ChecklistItem]


@cache
def checklist() -> Checklist:
    data = tomllib.loads(_CONFIG.read_text(encoding="utf-8"))
    items = {k: ChecklistItem(k, v["label"], v["group"], v["area"], bool(v.get("asks_days")))
             for k, v in data["items"].items()}
    return Checklist(int(data["version"]), items)


def validate_policies(items: dict[str, PolicyAnswer], country: str) -> list[str]:
    """Refuse an incomplete or unknown checklist; return the flags it raises."""
    cl = checklist()
    unknown = sorted(set(items) - set(cl.items))
    if unknown:
        raise DomainError(N_("unknown checklist items: %(unknown)s"), params={"unknown": ', '.join(unknown)},
                          field="items", rule="known_items", items=unknown)
    missing = sorted(set(cl.items) - set(items))
    if missing:
        raise DomainError(N_("checklist items not answered: %(missing)s"), params={"missing": ', '.join(missing)},
                          field="items", rule="complete_checklist", items=missing)
    flags: list[str] = []
    leave = items["paid_maternity_leave"]
    if leave.status != "missing" and leave.days is None:
        raise DomainError(N_("paid_maternity_leave needs the days of paid leave"),
                          field="items.paid_maternity_leave.days", rule="leave_days")
    statutory = lookup_country(country).statutory_maternity_leave_days
    if leave.status == "missing" or (leave.days is not None and leave.days < statutory):
        flags.append(f"maternity_leave_below_statutory:{leave.days or 0}<{statutory}")
    for item_id, answer in sorted(items.items()):
        if answer.status == "missing" and cl.items[item_id].group == "mothers_at_work":
            flags.append(f"mothers_at_work_missing:{item_id}")
    return flags
