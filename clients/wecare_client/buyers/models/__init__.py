"""Contains all the data models used in inputs/outputs"""

from .assessment_completed_data import AssessmentCompletedData
from .assessment_completed_record import AssessmentCompletedRecord
from .audit_trail_response_audittrail import AuditTrailResponseAudittrail
from .delivery_log_response_deliverylog import DeliveryLogResponseDeliverylog
from .delivery_log_status_type_0 import DeliveryLogStatusType0
from .disable_endpoint_response_disableendpoint import DisableEndpointResponseDisableendpoint
from .export_portfolio_fmt import ExportPortfolioFmt
from .factory_identified_data import FactoryIdentifiedData
from .factory_identified_record import FactoryIdentifiedRecord
from .feed_asyncapi_response_feedasyncapi import FeedAsyncapiResponseFeedasyncapi
from .feed_data_schema_response_feeddataschema import FeedDataSchemaResponseFeeddataschema
from .feed_page import FeedPage
from .feed_schema_response_feedschema import FeedSchemaResponseFeedschema
from .feed_schemas_response_feedschemas import FeedSchemasResponseFeedschemas
from .feed_types_response_feedtypes import FeedTypesResponseFeedtypes
from .impact_evaluated_data import ImpactEvaluatedData
from .impact_evaluated_data_comparisons_item import ImpactEvaluatedDataComparisonsItem
from .impact_evaluated_record import ImpactEvaluatedRecord
from .job_progress_response_jobprogress import JobProgressResponseJobprogress
from .kpi_target import KpiTarget
from .list_endpoints_response_listendpoints import ListEndpointsResponseListendpoints
from .list_jobs_response_200_item import ListJobsResponse200Item
from .list_parked_response_200_item import ListParkedResponse200Item
from .milestone_reached_data import MilestoneReachedData
from .milestone_reached_record import MilestoneReachedRecord
from .operator_actions_response_operatoractions import OperatorActionsResponseOperatoractions
from .parked_deliveries_response_parkeddeliveries import ParkedDeliveriesResponseParkeddeliveries
from .plan_approved_data import PlanApprovedData
from .plan_approved_data_milestones_item import PlanApprovedDataMilestonesItem
from .plan_approved_record import PlanApprovedRecord
from .portfolio_figures_response_portfoliofigures import PortfolioFiguresResponsePortfoliofigures
from .problem import Problem
from .problem_field import ProblemField
from .problem_kind import ProblemKind
from .programme_closed_data import ProgrammeClosedData
from .programme_closed_record import ProgrammeClosedRecord
from .projection_status import ProjectionStatus
from .projection_status_lag import ProjectionStatusLag
from .rebuild_response_rebuild import RebuildResponseRebuild
from .redrive_endpoint_response_redriveendpoint import RedriveEndpointResponseRedriveendpoint
from .redrive_parked_response_redriveparked import RedriveParkedResponseRedriveparked
from .redrive_response_redrive import RedriveResponseRedrive
from .register_endpoint_response_registerendpoint import RegisterEndpointResponseRegisterendpoint
from .register_webhook_body import RegisterWebhookBody
from .register_webhook_body_start import RegisterWebhookBodyStart
from .republish_response_republish import RepublishResponseRepublish
from .rotate_secret_response_rotatesecret import RotateSecretResponseRotatesecret
from .rotate_webhook_secret_body import RotateWebhookSecretBody
from .service_status import ServiceStatus
from .service_status_events import ServiceStatusEvents
from .service_status_loops import ServiceStatusLoops
from .service_status_loops_additional_property import ServiceStatusLoopsAdditionalProperty
from .service_status_projections import ServiceStatusProjections
from .session_delivered_data import SessionDeliveredData
from .session_delivered_record import SessionDeliveredRecord

__all__ = (
    "AssessmentCompletedData",
    "AssessmentCompletedRecord",
    "AuditTrailResponseAudittrail",
    "DeliveryLogResponseDeliverylog",
    "DeliveryLogStatusType0",
    "DisableEndpointResponseDisableendpoint",
    "ExportPortfolioFmt",
    "FactoryIdentifiedData",
    "FactoryIdentifiedRecord",
    "FeedAsyncapiResponseFeedasyncapi",
    "FeedDataSchemaResponseFeeddataschema",
    "FeedPage",
    "FeedSchemaResponseFeedschema",
    "FeedSchemasResponseFeedschemas",
    "FeedTypesResponseFeedtypes",
    "ImpactEvaluatedData",
    "ImpactEvaluatedDataComparisonsItem",
    "ImpactEvaluatedRecord",
    "JobProgressResponseJobprogress",
    "KpiTarget",
    "ListEndpointsResponseListendpoints",
    "ListJobsResponse200Item",
    "ListParkedResponse200Item",
    "MilestoneReachedData",
    "MilestoneReachedRecord",
    "OperatorActionsResponseOperatoractions",
    "ParkedDeliveriesResponseParkeddeliveries",
    "PlanApprovedData",
    "PlanApprovedDataMilestonesItem",
    "PlanApprovedRecord",
    "PortfolioFiguresResponsePortfoliofigures",
    "Problem",
    "ProblemField",
    "ProblemKind",
    "ProgrammeClosedData",
    "ProgrammeClosedRecord",
    "ProjectionStatus",
    "ProjectionStatusLag",
    "RebuildResponseRebuild",
    "RedriveEndpointResponseRedriveendpoint",
    "RedriveParkedResponseRedriveparked",
    "RedriveResponseRedrive",
    "RegisterEndpointResponseRegisterendpoint",
    "RegisterWebhookBody",
    "RegisterWebhookBodyStart",
    "RepublishResponseRepublish",
    "RotateSecretResponseRotatesecret",
    "RotateWebhookSecretBody",
    "ServiceStatus",
    "ServiceStatusEvents",
    "ServiceStatusLoops",
    "ServiceStatusLoopsAdditionalProperty",
    "ServiceStatusProjections",
    "SessionDeliveredData",
    "SessionDeliveredRecord",
)
