from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ArchiveFactoryBody")


@_attrs_define
class ArchiveFactoryBody:
    """
    Attributes:
        reason (str):
        factory_id (str | Unset):  Default: ''.
    """

    reason: str
    factory_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason

        factory_id = self.factory_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
            }
        )
        if factory_id is not UNSET:
            field_dict["factory_id"] = factory_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        reason = d.pop("reason")

        factory_id = d.pop("factory_id", UNSET)

        archive_factory_body = cls(
            reason=reason,
            factory_id=factory_id,
        )

        return archive_factory_body
