from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RotateWebhookSecretBody")


@_attrs_define
class RotateWebhookSecretBody:
    """
    Attributes:
        buyer (str | Unset):  Default: ''.
        endpoint_id (str | Unset):  Default: ''.
        grace_s (int | None | Unset): how long the old secret still signs (default: the service's setting)
    """

    buyer: str | Unset = ""
    endpoint_id: str | Unset = ""
    grace_s: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        buyer = self.buyer

        endpoint_id = self.endpoint_id

        grace_s: int | None | Unset
        if isinstance(self.grace_s, Unset):
            grace_s = UNSET
        else:
            grace_s = self.grace_s

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if buyer is not UNSET:
            field_dict["buyer"] = buyer
        if endpoint_id is not UNSET:
            field_dict["endpoint_id"] = endpoint_id
        if grace_s is not UNSET:
            field_dict["grace_s"] = grace_s

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        buyer = d.pop("buyer", UNSET)

        endpoint_id = d.pop("endpoint_id", UNSET)

        def _parse_grace_s(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        grace_s = _parse_grace_s(d.pop("grace_s", UNSET))

        rotate_webhook_secret_body = cls(
            buyer=buyer,
            endpoint_id=endpoint_id,
            grace_s=grace_s,
        )

        return rotate_webhook_secret_body
