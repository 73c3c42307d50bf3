"""The figures buyers report on, named once.

Brands quote the same few figures in their due-diligence and ESG reports:
factories covered, workers reached (by sex), sessions and trainings
delivered, and the change in retention. The buyers' feed, the portfolio
exports (CSV and XLSX) and the evaluation service's portfolio report all
use these keys, labels and definitions, and pool them with `Pool`.

People figures leave a country team only through shared.disclosure: a
session's counts are released or hidden there, and every pooled figure adds
released counts only. A hidden figure keeps its name but has no value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.delivery import AGE_BANDS, ROLES
from shared.disclosure import MIN_PEOPLE, session_cells, too_few

__all__ = ["COUNTS", "FIGURES", "MIN_PEOPLE", "PEOPLE", "FactoryFigures", "Pool", "counts_of", "figures_of", "suppress",
           "too_few"]


@dataclass(frozen=True)
class FigureDef:
    key: str
    label: str
    unit: str
    definition: str


FIGURES: dict[str, FigureDef] = {f.key: f for f in (
    FigureDef("factories_covered", "Factories covered", "factories",
              "factories in the buyer's programmes (a factory in two programmes counts once)"),
    FigureDef("factories_assessed", "Factories assessed", "factories", "factories with a completed needs assessment"),
    FigureDef("sessions_delivered", "Sessions delivered", "sessions", "trainings, workshops and events held"),
    FigureDef("trainings_delivered", "Trainings delivered", "sessions",
              "sessions of the activities the service menu lists as trainings"),
    FigureDef("workers_reached", "Workers reached", "people",
              "people a factory's plan reached for the first time (anonymous attendances each count)"),
    FigureDef("workers_reached_female", "Workers reached, female", "people", "of the workers reached, women"),
    FigureDef("workers_reached_male", "Workers reached, male", "people", "of the workers reached, men"),
    FigureDef("retention_baseline", "Retention (%), baseline", "%", "share of workers retained, before WeCare"),
    FigureDef("retention_endline", "Retention (%), endline", "%", "share of workers retained, at the evaluation"),
    FigureDef("retention_change", "Retention change (percentage points)", "pp",
              "endline minus baseline; pooled: the mean over the factories that have both"),
)}
PEOPLE = ("workers_reached", "workers_reached_female", "workers_reached_male")
COUNTS = ("sessions_delivered", "trainings_delivered", *PEOPLE)


def counts_of(*, total: int, female: int, by_role: Mapping[str, int], by_age_band: Mapping[str, int], reached: int,
              reached_female: int) -> dict[str, int | None]:
    """A delivered session's counts as they may leave the country team
    (shared.disclosure.session_cells). Every role and age band is listed,
    zeros included: the delivery service names only those someone is in, so
    a listed key would say that a hidden cell holds at least one person."""
    return session_cells(total=total, female=female, by_role={**dict.fromkeys(ROLES, 0), **by_role},
                         by_age_band={**dict.fromkeys(AGE_BANDS, 0), **by_age_band}, reached=reached,
                         reached_female=reached_female)


def figures_of(attendance: Any) -> dict[str, int | None]:
    """A delivered session's figures as a buyer's record shows them
    (shared.contracts.delivery.AttendanceSummary in; None: hidden)."""
    cells = counts_of(total=attendance.total, female=attendance.female, by_role=attendance.by_role,
                      by_age_band=attendance.by_age_band, reached=attendance.people_reached,
                      reached_female=attendance.reached_by_sex.get("female", 0))
    return {"attendances": cells["attendances"], "workers_reached": cells["reached"],
            "workers_reached_female": cells["reached.female"], "workers_reached_male": cells["reached.male"]}


def suppress(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The values with every people figure under MIN_PEOPLE blanked, and the
    keys blanked. Pooled figures add released counts only, so a blank here
    is a pool in which no count was released (0), never a small sum."""
    out, hidden = dict(values), []
    for k in PEOPLE:
        if too_few(out.get(k)):
            out[k] = None
            hidden.append(k)
    return out, hidden


class FactoryFigures(BaseModel):
    """A factory of a buyer's programme with its figures: a row of the
    portfolio export (people figures: sums of the sessions' released counts).
    Columns are only ever added at the end (a reader by position keeps working)."""

    model_config = ConfigDict(extra="forbid")

    buyer: str
    programme_id: str
    country: str
    factory_id: str
    factory_name: str | None
    assessed_on: date | None
    plan_approved_on: date | None
    closed_on: date | None
    sessions_delivered: int
    trainings_delivered: int
    workers_reached: int | None
    workers_reached_female: int | None
    workers_reached_male: int | None
    retention_baseline: float | None
    retention_endline: float | None
    retention_change: float | None
    suppressed: list[str] = Field(default_factory=list, description="figures blanked: under 5 people")
    # v2: the identifiers buyers join on (None: not known), after the v1 columns
    os_id: str | None = Field(None, description="Open Supply Hub's OS ID")
    amfori_id: str | None = Field(None, description="amfori (BSCI) id")
    sedex_id: str | None = Field(None, description="Sedex reference")

    @classmethod
    def columns(cls) -> list[str]:
        return list(cls.model_fields)


class Pool:
    """Pools factories' figures (sums of released counts) in one pass with constant memory
    (an export of a million rows feeds it as it streams them). Rows are fed
    ordered by (country, factory_id), so that a factory in two programmes
    counts once."""

    def __init__(self) -> None:
        self.factories = 0
        self.assessed = 0
        self.sums = dict.fromkeys(COUNTS, 0)
        self.retention: dict[str, list[float]] = {k: [0.0, 0] for k in
                                                  ("retention_baseline", "retention_endline", "retention_change")}
        self._last: tuple[str, str] | None = None
        self._last_assessed = False

    def add(self, row: Mapping[str, Any]) -> None:
        key = (row["country"], row["factory_id"])
        if key != self._last:
            self.factories += 1
            self._last, self._last_assessed = key, False
        if row.get("assessed_on") and not self._last_assessed:
            self.assessed += 1
            self._last_assessed = True
        for k in COUNTS:
            self.sums[k] += row.get(k) or 0
        for k, acc in self.retention.items():
            if row.get(k) is not None:
                acc[0] += row[k]
                acc[1] += 1

    def result(self) -> dict[str, Any]:
        """key -> value (None: suppressed or not measured)."""
        out: dict[str, Any] = {"factories_covered": self.factories, "factories_assessed": self.assessed,
                               **self.sums}
        for k, (total, n) in self.retention.items():
            out[k] = round(total / n, 2) if n else None
        return suppress(out)[0]
