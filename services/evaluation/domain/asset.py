"""The Asset aggregate: a story, photo or video of the communications package,
usable only within its consent. A minor's consent needs a guardian; a
withdrawal is final and takes the asset out of every report and feed."""

from __future__ import annotations

from datetime import date

from services.evaluation.domain.events import ConsentGiven
from shared.aggregate import Aggregate, DomainError
from shared.contracts.evaluation import AssetRecorded, Consent, ConsentWithdrawn, PersonForgotten
from shared.i18n import N_


class Asset(Aggregate):
    stream_prefix = "asset"

    def __init__(self, ident: str) -> None:
        super().__init__(ident)
        self.plan_id = ""
        self.withdrawn_on: date | None = None

    def add(self, *, plan_id: str, factory_id: str, kind: str, title: str, uri: str, consented_by: str,
            guardian: str | None, minor: bool, scope: list[str], expires_on: date, today: date, person: str,
            caption: str) -> None:
        """`title`, `uri`, `consented_by`, `guardian` and `caption` come sealed, and
        `person` is the person's pseudonym (shared/privacy.py)."""
        if self.exists:
            raise DomainError(N_("asset %(id)s exists"), params={"id": self.id}, field="asset_id", rule="unique",
                              items=[self.id])
        if minor and not (guardian or "").strip():
            raise DomainError(N_("a minor's consent needs a guardian"), field="guardian", rule="guardian_for_minor")
        if expires_on <= today:
            raise DomainError(N_("the consent expires on %(expires_on)s, not after today"),
                              params={"expires_on": expires_on}, field="expires_on", rule="consent_in_force")
        self.record(AssetRecorded(asset_id=self.id, plan_id=plan_id, factory_id=factory_id, kind=kind,  # type: ignore[arg-type]
                                  title=title, uri=uri, consent=Consent(scope=scope, expires_on=expires_on,  # type: ignore[arg-type]
                                                                        minor=minor),
                                  person=person, caption=caption))
        self.record(ConsentGiven(asset_id=self.id, consented_by=consented_by, guardian=guardian))

    def withdraw(self, withdrawn_on: date) -> None:
        if self.withdrawn_on is not None:
            raise DomainError(N_("consent was withdrawn on %(withdrawn_on)s"),
                              params={"withdrawn_on": self.withdrawn_on}, field="asset_id", rule="withdraw_once")
        self.record(ConsentWithdrawn(asset_id=self.id, plan_id=self.plan_id, withdrawn_on=withdrawn_on))

    def on_asset_recorded(self, e: AssetRecorded) -> None:
        self.plan_id = e.plan_id

    def on_consent_given(self, e: ConsentGiven) -> None:
        pass

    def on_consent_withdrawn(self, e: ConsentWithdrawn) -> None:
        self.withdrawn_on = e.withdrawn_on


class Person(Aggregate):
    """A person whose data the service holds sealed; forgetting is recorded here,
    in the stream of their pseudonym (a stream id is published too)."""

    stream_prefix = "person"

    def forget(self, on: date) -> None:
        self.record(PersonForgotten(person=self.id, forgotten_on=on))

    def on_person_forgotten(self, e: PersonForgotten) -> None:
        pass
