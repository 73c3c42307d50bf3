"""Published event contracts: pydantic v2 models with a schema version, the
registry that maps (context, event type) to the current model, and the
upcasters that lift an older schema version to the current one on read."""

from shared.contracts.envelope import Envelope, subject_for
from shared.contracts.registry import DomainEvent, UnknownEventType, registry

__all__ = ["DomainEvent", "Envelope", "UnknownEventType", "registry", "subject_for"]
