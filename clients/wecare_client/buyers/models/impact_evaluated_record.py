from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.impact_evaluated_data import ImpactEvaluatedData


T = TypeVar("T", bound="ImpactEvaluatedRecord")


@_attrs_define
class ImpactEvaluatedRecord:
    """A `org.wecare.impact.evaluated.v1` feed record: a CloudEvent 1.0 whose `data` is ImpactEvaluatedData.

    Attributes:
        id (str):
        source (str): /wecare/<country>/<context> of the event it comes from
        type_ (Literal['org.wecare.impact.evaluated.v1']): the record type
        subject (str): factories/<factory_id>
        time (datetime.datetime):
        dataschema (str): the URL of the JSON Schema of `data`, ending
            /feed/schemas/org.wecare.impact.evaluated.v1/data.json; it answers without a token
        sequence (str):
        data (ImpactEvaluatedData):
        specversion (Literal['1.0'] | Unset):  Default: '1.0'.
        datacontenttype (Literal['application/json'] | Unset):  Default: 'application/json'.
    """

    id: str
    source: str
    type_: Literal["org.wecare.impact.evaluated.v1"]
    subject: str
    time: datetime.datetime
    dataschema: str
    sequence: str
    data: ImpactEvaluatedData
    specversion: Literal["1.0"] | Unset = "1.0"
    datacontenttype: Literal["application/json"] | Unset = "application/json"

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        source = self.source

        type_ = self.type_

        subject = self.subject

        time = self.time.isoformat()

        dataschema = self.dataschema

        sequence = self.sequence

        data = self.data.to_dict()

        specversion = self.specversion

        datacontenttype = self.datacontenttype

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "source": source,
                "type": type_,
                "subject": subject,
                "time": time,
                "dataschema": dataschema,
                "sequence": sequence,
                "data": data,
            }
        )
        if specversion is not UNSET:
            field_dict["specversion"] = specversion
        if datacontenttype is not UNSET:
            field_dict["datacontenttype"] = datacontenttype

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.impact_evaluated_data import ImpactEvaluatedData

        d = dict(src_dict)
        id = d.pop("id")

        source = d.pop("source")

        type_ = cast(Literal["org.wecare.impact.evaluated.v1"], d.pop("type"))
        if type_ != "org.wecare.impact.evaluated.v1":
            raise ValueError(f"type must match const 'org.wecare.impact.evaluated.v1', got '{type_}'")

        subject = d.pop("subject")

        time = datetime.datetime.fromisoformat(d.pop("time"))

        dataschema = d.pop("dataschema")

        sequence = d.pop("sequence")

        data = ImpactEvaluatedData.from_dict(d.pop("data"))

        specversion = cast(Literal["1.0"] | Unset, d.pop("specversion", UNSET))
        if specversion != "1.0" and not isinstance(specversion, Unset):
            raise ValueError(f"specversion must match const '1.0', got '{specversion}'")

        datacontenttype = cast(Literal["application/json"] | Unset, d.pop("datacontenttype", UNSET))
        if datacontenttype != "application/json" and not isinstance(datacontenttype, Unset):
            raise ValueError(f"datacontenttype must match const 'application/json', got '{datacontenttype}'")

        impact_evaluated_record = cls(
            id=id,
            source=source,
            type_=type_,
            subject=subject,
            time=time,
            dataschema=dataschema,
            sequence=sequence,
            data=data,
            specversion=specversion,
            datacontenttype=datacontenttype,
        )

        return impact_evaluated_record
