"""The Programme aggregate: a buyer sponsors WeCare for factories in one or
more countries over a period. Each country keeps its share of the programme
in a stream of its own (programme-<id>.<country>), so that a country's
deployment holds, serves and publishes only its own share."""

from __future__ import annotations

from datetime import date, timedelta

from services.planning.domain.pricing import Quote, pricing
from services.planning.domain.rules import Terms
from shared.aggregate import Aggregate, DomainError
from shared.contracts.planning import ProgrammeCreated
from shared.i18n import N_


def period_end(starts_on: date, months: int) -> date:
    """The day before the same date `months` later (a one-year programme from
    2026-01-01 ends 2026-12-31)."""
    y, m = divmod(starts_on.month - 1 + months, 12)
    day = starts_on.day
    while True:
        try:
            return date(starts_on.year + y, m + 1, day) - timedelta(days=1)
        except ValueError:
            day -= 1


def check_period(starts_on: date, ends_on: date | None) -> date:
    p = pricing()
    ends_on = ends_on or period_end(starts_on, p.default_period_months)
    if ends_on < starts_on + timedelta(days=p.min_period_days - 1):
        raise DomainError(N_("a programme runs at least %(min_period_days)s days: %(starts_on)s to %(ends_on)s is "
                             "shorter"),
                          params={"min_period_days": p.min_period_days, "starts_on": starts_on, "ends_on": ends_on},
                          field="ends_on", rule="programme_period")
    longest = period_end(starts_on, p.max_period_months)
    if ends_on > longest:
        raise DomainError(N_("a programme runs at most %(max_period_months)s months: it must end by %(longest)s"),
                          params={"max_period_months": p.max_period_months, "longest": longest}, field="ends_on",
                          rule="programme_period")
    return ends_on


class Programme(Aggregate):
    stream_prefix = "programme"

    @staticmethod
    def share_id(programme_id: str, country: str) -> str:
        return f"{programme_id}.{country}"

    def __init__(self, ident: str) -> None:
        super().__init__(ident)
        self.programme_id = ""
        self.buyer = ""
        self.starts_on: date | None = None
        self.ends_on: date | None = None
        self.credits_per_factory = 0
        self.factories: list[str] = []

    def create(self, *, programme_id: str, name: str, buyer: str, countries: list[str], starts_on: date,
               ends_on: date, credits_per_factory: int, factories: list[str], quote: Quote) -> None:
        if self.exists:
            raise DomainError(N_("programme %(programme_id)s already exists"), params={"programme_id": programme_id},
                              field="programme_id", rule="unique")
        self.record(ProgrammeCreated(
            programme_id=programme_id, name=name, buyer=buyer, countries=countries, starts_on=starts_on,
            ends_on=ends_on, credits_per_factory=credits_per_factory, factories=factories,
            factories_total=quote.factories, price_per_factory=quote.price_per_factory, currency=quote.currency,
            contract_value=quote.total, country_value=len(factories) * quote.price_per_factory))

    def terms(self) -> Terms:
        assert self.starts_on and self.ends_on and self.country
        return Terms(self.programme_id, self.country, self.starts_on, self.ends_on, self.credits_per_factory)

    def on_programme_created(self, e: ProgrammeCreated) -> None:
        self.programme_id = e.programme_id
        self.buyer = e.buyer
        self.starts_on, self.ends_on = e.starts_on, e.ends_on
        self.credits_per_factory = e.credits_per_factory
        self.factories = list(e.factories)
