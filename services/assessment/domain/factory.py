"""The Factory aggregate: a supplier factory in the programme."""

from __future__ import annotations

from shared.aggregate import Aggregate, DomainError
from shared.contracts.assessment import (
    IDENTIFIERS,
    FactoryArchived,
    FactoryIdentifiersSet,
    FactoryRegistered,
    FactoryUpdated,
    os_id_country,
)
from shared.i18n import N_

FIELDS = ("name", "supplier", "region", "sector", "buyers", "headcount")


def already_registered(factory_id: str) -> DomainError:
    """The one answer for a taken factory id, whichever country holds it: it
    names neither the country nor the factory (ids are global)."""
    return DomainError(N_("factory %(factory_id)s is already registered"), params={"factory_id": factory_id},
                       field="factory_id", rule="unique")


def check_os_id(os_id: str | None, country: str | None) -> None:
    """An OS ID names its factory's country: one of another country is a typo or another factory."""
    if os_id is not None and country is not None and os_id_country(os_id) != country:
        raise DomainError(N_("os_id %(os_id)s is of country %(os_country)s, the factory is in %(country)s"),
                          params={"os_id": os_id, "os_country": os_id_country(os_id), "country": country},
                          field="os_id", rule="os_id_country")


def os_id_taken(os_id: str, holder: str) -> DomainError:
    return DomainError(N_("os_id %(os_id)s is already factory %(holder)s's: a buyer joins on it, so two factories "
                          "cannot share it"), params={"os_id": os_id, "holder": holder}, field="os_id",
                       rule="unique_os_id")


class Factory(Aggregate):
    stream_prefix = "factory"

    def __init__(self, ident: str) -> None:
        super().__init__(ident)
        self.details: dict[str, object] = {}
        self.identifiers: dict[str, str | None] = dict.fromkeys(IDENTIFIERS)
        self.archived = False

    def register(self, *, name: str, supplier: str, region: str, sector: str, buyers: list[str],
                 headcount: int, country: str, os_id: str | None = None, amfori_id: str | None = None,
                 sedex_id: str | None = None) -> None:
        if self.exists:
            raise already_registered(self.id)
        check_os_id(os_id, country)
        self.record(FactoryRegistered(factory_id=self.id, name=name, supplier=supplier, region=region,
                                      sector=sector, buyers=buyers, headcount=headcount, os_id=os_id,
                                      amfori_id=amfori_id, sedex_id=sedex_id))

    def set_identifiers(self, *, os_id: str | None, amfori_id: str | None, sedex_id: str | None) -> None:
        """All three as they now are (None: none known); the same again records nothing."""
        self._active()
        check_os_id(os_id, self.country)
        ids = {"os_id": os_id, "amfori_id": amfori_id, "sedex_id": sedex_id}
        if ids != self.identifiers:
            self.record(FactoryIdentifiersSet(factory_id=self.id, **ids))

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
            raise DomainError(N_("factory %(id)s is archived"), params={"id": self.id}, field="factory_id",
                              rule="active_factory")

    def on_factory_registered(self, e: FactoryRegistered) -> None:
        self.details = {k: getattr(e, k) for k in FIELDS}
        self.identifiers = {k: getattr(e, k) for k in IDENTIFIERS}

    def on_factory_identifiers_set(self, e: FactoryIdentifiersSet) -> None:
        self.identifiers = {k: getattr(e, k) for k in IDENTIFIERS}

    def on_factory_updated(self, e: FactoryUpdated) -> None:
        self.details.update({k: getattr(e, k) for k in FIELDS if getattr(e, k) is not None})

    def on_factory_archived(self, e: FactoryArchived) -> None:
        self.archived = True
