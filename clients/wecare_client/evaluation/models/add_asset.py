from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.add_asset_kind import AddAssetKind
from ..models.add_asset_scope_item import AddAssetScopeItem
from ..types import UNSET, Unset

T = TypeVar("T", bound="AddAsset")


@_attrs_define
class AddAsset:
    """A story, photo or video of the communications package, with its consent.

    Attributes:
        asset_id (str):
        plan_id (str):
        kind (AddAssetKind):
        title (str): no names here: they go in the caption
        uri (str):
        person_id (str): pseudonymous id of the person the asset is about
        consented_by (str): stored sealed, never published
        scope (list[AddAssetScopeItem]):
        expires_on (datetime.date):
        caption (str | Unset): may name people: stored sealed with the person's key Default: ''.
        minor (bool | Unset):  Default: False.
        guardian (None | str | Unset): required when the person is a minor
    """

    asset_id: str
    plan_id: str
    kind: AddAssetKind
    title: str
    uri: str
    person_id: str
    consented_by: str
    scope: list[AddAssetScopeItem]
    expires_on: datetime.date
    caption: str | Unset = ""
    minor: bool | Unset = False
    guardian: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        asset_id = self.asset_id

        plan_id = self.plan_id

        kind = self.kind.value

        title = self.title

        uri = self.uri

        person_id = self.person_id

        consented_by = self.consented_by

        scope = []
        for scope_item_data in self.scope:
            scope_item = scope_item_data.value
            scope.append(scope_item)

        expires_on = self.expires_on.isoformat()

        caption = self.caption

        minor = self.minor

        guardian: None | str | Unset
        if isinstance(self.guardian, Unset):
            guardian = UNSET
        else:
            guardian = self.guardian

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "asset_id": asset_id,
                "plan_id": plan_id,
                "kind": kind,
                "title": title,
                "uri": uri,
                "person_id": person_id,
                "consented_by": consented_by,
                "scope": scope,
                "expires_on": expires_on,
            }
        )
        if caption is not UNSET:
            field_dict["caption"] = caption
        if minor is not UNSET:
            field_dict["minor"] = minor
        if guardian is not UNSET:
            field_dict["guardian"] = guardian

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        asset_id = d.pop("asset_id")

        plan_id = d.pop("plan_id")

        kind = AddAssetKind(d.pop("kind"))

        title = d.pop("title")

        uri = d.pop("uri")

        person_id = d.pop("person_id")

        consented_by = d.pop("consented_by")

        scope = []
        _scope = d.pop("scope")
        for scope_item_data in _scope:
            scope_item = AddAssetScopeItem(scope_item_data)

            scope.append(scope_item)

        expires_on = datetime.date.fromisoformat(d.pop("expires_on"))

        caption = d.pop("caption", UNSET)

        minor = d.pop("minor", UNSET)

        def _parse_guardian(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        guardian = _parse_guardian(d.pop("guardian", UNSET))

        add_asset = cls(
            asset_id=asset_id,
            plan_id=plan_id,
            kind=kind,
            title=title,
            uri=uri,
            person_id=person_id,
            consented_by=consented_by,
            scope=scope,
            expires_on=expires_on,
            caption=caption,
            minor=minor,
            guardian=guardian,
        )

        return add_asset
