from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.assessment_completed_record import AssessmentCompletedRecord
    from ..models.factory_identified_record import FactoryIdentifiedRecord
    from ..models.impact_evaluated_record import ImpactEvaluatedRecord
    from ..models.milestone_reached_record import MilestoneReachedRecord
    from ..models.plan_approved_record import PlanApprovedRecord
    from ..models.programme_closed_record import ProgrammeClosedRecord
    from ..models.session_delivered_record import SessionDeliveredRecord


T = TypeVar("T", bound="FeedPage")


@_attrs_define
class FeedPage:
    """A page of the buyer's feed, oldest record first.

    Attributes:
        buyer (str):
        records (list[AssessmentCompletedRecord | FactoryIdentifiedRecord | ImpactEvaluatedRecord |
            MilestoneReachedRecord | PlanApprovedRecord | ProgrammeClosedRecord | SessionDeliveredRecord]): CloudEvents 1.0
            with the `sequence` extension; the same bytes as the webhooks' bodies
        next_ (str): the `sequence` of the last record of the page: pass it as `after`
        more (bool): whether there are more records now
    """

    buyer: str
    records: list[
        AssessmentCompletedRecord
        | FactoryIdentifiedRecord
        | ImpactEvaluatedRecord
        | MilestoneReachedRecord
        | PlanApprovedRecord
        | ProgrammeClosedRecord
        | SessionDeliveredRecord
    ]
    next_: str
    more: bool

    def to_dict(self) -> dict[str, Any]:
        from ..models.assessment_completed_record import AssessmentCompletedRecord
        from ..models.impact_evaluated_record import ImpactEvaluatedRecord
        from ..models.milestone_reached_record import MilestoneReachedRecord
        from ..models.plan_approved_record import PlanApprovedRecord
        from ..models.programme_closed_record import ProgrammeClosedRecord
        from ..models.session_delivered_record import SessionDeliveredRecord

        buyer = self.buyer

        records = []
        for records_item_data in self.records:
            records_item: dict[str, Any]
            if (
                isinstance(records_item_data, AssessmentCompletedRecord)
                or isinstance(records_item_data, PlanApprovedRecord)
                or isinstance(records_item_data, MilestoneReachedRecord)
                or isinstance(records_item_data, SessionDeliveredRecord)
                or isinstance(records_item_data, ImpactEvaluatedRecord)
                or isinstance(records_item_data, ProgrammeClosedRecord)
            ):
                records_item = records_item_data.to_dict()
            else:
                records_item = records_item_data.to_dict()

            records.append(records_item)

        next_ = self.next_

        more = self.more

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "buyer": buyer,
                "records": records,
                "next": next_,
                "more": more,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.assessment_completed_record import AssessmentCompletedRecord
        from ..models.factory_identified_record import FactoryIdentifiedRecord
        from ..models.impact_evaluated_record import ImpactEvaluatedRecord
        from ..models.milestone_reached_record import MilestoneReachedRecord
        from ..models.plan_approved_record import PlanApprovedRecord
        from ..models.programme_closed_record import ProgrammeClosedRecord
        from ..models.session_delivered_record import SessionDeliveredRecord

        d = dict(src_dict)
        buyer = d.pop("buyer")

        records = []
        _records = d.pop("records")
        for records_item_data in _records:

            def _parse_records_item(
                data: object,
            ) -> (
                AssessmentCompletedRecord
                | FactoryIdentifiedRecord
                | ImpactEvaluatedRecord
                | MilestoneReachedRecord
                | PlanApprovedRecord
                | ProgrammeClosedRecord
                | SessionDeliveredRecord
            ):
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    records_item_type_0 = AssessmentCompletedRecord.from_dict(data)

                    return records_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    records_item_type_1 = PlanApprovedRecord.from_dict(data)

                    return records_item_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    records_item_type_2 = MilestoneReachedRecord.from_dict(data)

                    return records_item_type_2
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    records_item_type_3 = SessionDeliveredRecord.from_dict(data)

                    return records_item_type_3
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    records_item_type_4 = ImpactEvaluatedRecord.from_dict(data)

                    return records_item_type_4
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    records_item_type_5 = ProgrammeClosedRecord.from_dict(data)

                    return records_item_type_5
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                records_item_type_6 = FactoryIdentifiedRecord.from_dict(data)

                return records_item_type_6

            records_item = _parse_records_item(records_item_data)

            records.append(records_item)

        next_ = d.pop("next")

        more = d.pop("more")

        feed_page = cls(
            buyer=buyer,
            records=records,
            next_=next_,
            more=more,
        )

        return feed_page
