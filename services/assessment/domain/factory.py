"""The Factory aggregate: a supplier factory in the programme."""

from __future__ import annotations

from shared.aggregate import Aggregate, DomainError
from shared.contracts.assessment import FactoryArchived, FactoryRegistered, FactoryUpdated

FIELDS = ("name", "supplier", "region", "sector", "buyers", "headcount")


def already_registered(factory_id: str) -> DomainError:
    """The one answer for a taken factory id, whichever country holds it: it
    names neither the country nor the factory (ids are global)."""
    return DomainError(f"factory {factory_id} is already registered", field="factory_id", rule="unique")


class Factory(Aggregate):
    stream_prefix = "factory"

    def __init__(self, ident: str) -> None:
        super().__init__(ident)
        self.details: dict[str, object] = {}
        self.archived = False

    def register(self, *, name: str, supplier: str, region: str, sector: str, buyers: list[str],
                 headcount: int) -> None:
        if self.exists:
            raise already_registered(self.id)
        self.record(FactoryRegistered(factory_id=self.id, name=name, supplier=supplier, region=region,
                                      sector=sector, buyers=buyers, headcount=headcount))

    def update(self, **changes: object) -> None:
        self._active()
        changed = {k: v for k, v in changes.items() if v is not None and self.details.get(k) != v}
        if changed:
            self.record(FactoryUpdated(factory_id=self.id, **changed))  # type: ignore[arg-type]

    def archive(self, reason: str) -> None:
        self._active()
        self.record(FactoryArchived(factory_id=self.id, reason=reason))

    def _active(self) -> None:
        if self.archived:
            raise DomainError(f"factory {self.id} is archived", field="factory_id", rule="active_factory")

    def on_factory_registered(self, e: FactoryRegistered) -> None:
        self.details = {k: getattr(e, k) for k in FIELDS}

    def on_factory_updated(self, e: FactoryUpdated) -> None:
        self.details.update({k: getattr(e, k) for k in FIELDS if getattr(e, k) is not None})

    def on_factory_archived(self, e: FactoryArchived) -> None:
        self.archived = True
