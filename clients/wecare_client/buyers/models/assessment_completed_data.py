from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="AssessmentCompletedData")


@_attrs_define
class AssessmentCompletedData:
    """
    Attributes:
        programme_id (str):
        country (str):
        factory_id (str):
        factory_name (None | str):
        assessment_id (str):
        completed_on (datetime.date):
        headcount (int | None): None: hidden (shared.disclosure: a split by sex with a cell under 5 that no other choice
            protects)
        headcount_female (int | None): None: hidden (under 5, or what would give a cell under 5)
        headcount_male (int | None): None: hidden (under 5, or what would give a cell under 5)
        needs (list[str]): need areas found, most severe first
    """

    programme_id: str
    country: str
    factory_id: str
    factory_name: None | str
    assessment_id: str
    completed_on: datetime.date
    headcount: int | None
    headcount_female: int | None
    headcount_male: int | None
    needs: list[str]

    def to_dict(self) -> dict[str, Any]:
        programme_id = self.programme_id

        country = self.country

        factory_id = self.factory_id

        factory_name: None | str
        factory_name = self.factory_name

        assessment_id = self.assessment_id

        completed_on = self.completed_on.isoformat()

        headcount: int | None
        headcount = self.headcount

        headcount_female: int | None
        headcount_female = self.headcount_female

        headcount_male: int | None
        headcount_male = self.headcount_male

        needs = self.needs

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "programme_id": programme_id,
                "country": country,
                "factory_id": factory_id,
                "factory_name": factory_name,
                "assessment_id": assessment_id,
                "completed_on": completed_on,
                "headcount": headcount,
                "headcount_female": headcount_female,
                "headcount_male": headcount_male,
                "needs": needs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        programme_id = d.pop("programme_id")

        country = d.pop("country")

        factory_id = d.pop("factory_id")

        def _parse_factory_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        factory_name = _parse_factory_name(d.pop("factory_name"))

        assessment_id = d.pop("assessment_id")

        completed_on = datetime.date.fromisoformat(d.pop("completed_on"))

        def _parse_headcount(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        headcount = _parse_headcount(d.pop("headcount"))

        def _parse_headcount_female(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        headcount_female = _parse_headcount_female(d.pop("headcount_female"))

        def _parse_headcount_male(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        headcount_male = _parse_headcount_male(d.pop("headcount_male"))

        needs = cast(list[str], d.pop("needs"))

        assessment_completed_data = cls(
            programme_id=programme_id,
            country=country,
            factory_id=factory_id,
            factory_name=factory_name,
            assessment_id=assessment_id,
            completed_on=completed_on,
            headcount=headcount,
            headcount_female=headcount_female,
            headcount_male=headcount_male,
            needs=needs,
        )

        return assessment_completed_data
