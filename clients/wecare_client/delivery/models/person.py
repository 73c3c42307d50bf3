from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.person_age_band import PersonAgeBand
from ..models.person_role import PersonRole
from ..models.person_sex import PersonSex

T = TypeVar("T", bound="Person")


@_attrs_define
class Person:
    """
    Attributes:
        id (str): pseudonymous, stable across sessions
        role (PersonRole):
        sex (PersonSex):
        age_band (PersonAgeBand):
    """

    id: str
    role: PersonRole
    sex: PersonSex
    age_band: PersonAgeBand

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        role = self.role.value

        sex = self.sex.value

        age_band = self.age_band.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "role": role,
                "sex": sex,
                "age_band": age_band,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        role = PersonRole(d.pop("role"))

        sex = PersonSex(d.pop("sex"))

        age_band = PersonAgeBand(d.pop("age_band"))

        person = cls(
            id=id,
            role=role,
            sex=sex,
            age_band=age_band,
        )

        return person
