from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.register_webhook_body_start import RegisterWebhookBodyStart
from ..types import UNSET, Unset

T = TypeVar("T", bound="RegisterWebhookBody")


@_attrs_define
class RegisterWebhookBody:
    """
    Attributes:
        url (str): where records are POSTed (https)
        buyer (str | Unset):  Default: ''.
        types (list[str] | Unset): record types; empty: all
        description (None | str | Unset):
        start (RegisterWebhookBodyStart | Unset): deliver records from now, or the whole feed Default:
            RegisterWebhookBodyStart.NOW.
    """

    url: str
    buyer: str | Unset = ""
    types: list[str] | Unset = UNSET
    description: None | str | Unset = UNSET
    start: RegisterWebhookBodyStart | Unset = RegisterWebhookBodyStart.NOW

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        buyer = self.buyer

        types: list[str] | Unset = UNSET
        if not isinstance(self.types, Unset):
            types = self.types

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        start: str | Unset = UNSET
        if not isinstance(self.start, Unset):
            start = self.start.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
            }
        )
        if buyer is not UNSET:
            field_dict["buyer"] = buyer
        if types is not UNSET:
            field_dict["types"] = types
        if description is not UNSET:
            field_dict["description"] = description
        if start is not UNSET:
            field_dict["start"] = start

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        url = d.pop("url")

        buyer = d.pop("buyer", UNSET)

        types = cast(list[str], d.pop("types", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        _start = d.pop("start", UNSET)
        start: RegisterWebhookBodyStart | Unset
        if isinstance(_start, Unset):
            start = UNSET
        else:
            start = RegisterWebhookBodyStart(_start)

        register_webhook_body = cls(
            url=url,
            buyer=buyer,
            types=types,
            description=description,
            start=start,
        )

        return register_webhook_body
