from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.demographics_headcount_additional_property import DemographicsHeadcountAdditionalProperty


T = TypeVar("T", bound="DemographicsHeadcount")


@_attrs_define
class DemographicsHeadcount:
    """workers by sex and age band, e.g. {'female': {'18_24': 120, ...}, ...}"""

    additional_properties: dict[str, DemographicsHeadcountAdditionalProperty] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.demographics_headcount_additional_property import DemographicsHeadcountAdditionalProperty

        d = dict(src_dict)
        demographics_headcount = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = DemographicsHeadcountAdditionalProperty.from_dict(prop_dict)

            additional_properties[prop_name] = additional_property

        demographics_headcount.additional_properties = additional_properties
        return demographics_headcount

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> DemographicsHeadcountAdditionalProperty:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: DemographicsHeadcountAdditionalProperty) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
