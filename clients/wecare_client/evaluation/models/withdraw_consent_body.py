from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="WithdrawConsentBody")


@_attrs_define
class WithdrawConsentBody:
    """
    Attributes:
        withdrawn_on (datetime.date): the day it happened: today or before, not in the future
        asset_id (str | Unset):  Default: ''.
    """

    withdrawn_on: datetime.date
    asset_id: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        withdrawn_on = self.withdrawn_on.isoformat()

        asset_id = self.asset_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "withdrawn_on": withdrawn_on,
            }
        )
        if asset_id is not UNSET:
            field_dict["asset_id"] = asset_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        withdrawn_on = datetime.date.fromisoformat(d.pop("withdrawn_on"))

        asset_id = d.pop("asset_id", UNSET)

        withdraw_consent_body = cls(
            withdrawn_on=withdrawn_on,
            asset_id=asset_id,
        )

        return withdraw_consent_body
