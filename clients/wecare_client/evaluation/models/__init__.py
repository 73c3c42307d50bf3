"""Contains all the data models used in inputs/outputs"""

from .add_asset import AddAsset
from .add_asset_kind import AddAssetKind
from .add_asset_response_addasset import AddAssetResponseAddasset
from .add_asset_scope_item import AddAssetScopeItem
from .agree_sustainability_plan_body import AgreeSustainabilityPlanBody
from .agree_sustainability_response_agreesustainability import AgreeSustainabilityResponseAgreesustainability
from .audit_trail_response_audittrail import AuditTrailResponseAudittrail
from .buyer_impact_response_buyerimpact import BuyerImpactResponseBuyerimpact
from .buyer_report_fmt import BuyerReportFmt
from .close_cycle_body import CloseCycleBody
from .close_response_close import CloseResponseClose
from .country_impact_response_countryimpact import CountryImpactResponseCountryimpact
from .evaluate_response_evaluate import EvaluateResponseEvaluate
from .factory_impact_response_factoryimpact import FactoryImpactResponseFactoryimpact
from .factory_journey_response_factoryjourney import FactoryJourneyResponseFactoryjourney
from .factory_report_fmt import FactoryReportFmt
from .follow_up_response_followup import FollowUpResponseFollowup
from .forget_person_response_forgetperson import ForgetPersonResponseForgetperson
from .job_progress_response_jobprogress import JobProgressResponseJobprogress
from .list_assets_response_listassets import ListAssetsResponseListassets
from .list_jobs_response_200_item import ListJobsResponse200Item
from .list_parked_response_200_item import ListParkedResponse200Item
from .operator_actions_response_operatoractions import OperatorActionsResponseOperatoractions
from .practice import Practice
from .problem import Problem
from .problem_field import ProblemField
from .problem_kind import ProblemKind
from .projection_status import ProjectionStatus
from .projection_status_lag import ProjectionStatusLag
from .rebuild_response_rebuild import RebuildResponseRebuild
from .record_endline_body import RecordEndlineBody
from .record_endline_body_kpis import RecordEndlineBodyKpis
from .record_endline_response_recordendline import RecordEndlineResponseRecordendline
from .record_follow_up_body import RecordFollowUpBody
from .record_follow_up_body_status import RecordFollowUpBodyStatus
from .redrive_response_redrive import RedriveResponseRedrive
from .republish_response_republish import RepublishResponseRepublish
from .service_status import ServiceStatus
from .service_status_events import ServiceStatusEvents
from .service_status_loops import ServiceStatusLoops
from .service_status_loops_additional_property import ServiceStatusLoopsAdditionalProperty
from .service_status_projections import ServiceStatusProjections
from .withdraw_consent_body import WithdrawConsentBody
from .withdraw_consent_response_withdrawconsent import WithdrawConsentResponseWithdrawconsent
from .workforce import Workforce

__all__ = (
    "AddAsset",
    "AddAssetKind",
    "AddAssetResponseAddasset",
    "AddAssetScopeItem",
    "AgreeSustainabilityPlanBody",
    "AgreeSustainabilityResponseAgreesustainability",
    "AuditTrailResponseAudittrail",
    "BuyerImpactResponseBuyerimpact",
    "BuyerReportFmt",
    "CloseCycleBody",
    "CloseResponseClose",
    "CountryImpactResponseCountryimpact",
    "EvaluateResponseEvaluate",
    "FactoryImpactResponseFactoryimpact",
    "FactoryJourneyResponseFactoryjourney",
    "FactoryReportFmt",
    "FollowUpResponseFollowup",
    "ForgetPersonResponseForgetperson",
    "JobProgressResponseJobprogress",
    "ListAssetsResponseListassets",
    "ListJobsResponse200Item",
    "ListParkedResponse200Item",
    "OperatorActionsResponseOperatoractions",
    "Practice",
    "Problem",
    "ProblemField",
    "ProblemKind",
    "ProjectionStatus",
    "ProjectionStatusLag",
    "RebuildResponseRebuild",
    "RecordEndlineBody",
    "RecordEndlineBodyKpis",
    "RecordEndlineResponseRecordendline",
    "RecordFollowUpBody",
    "RecordFollowUpBodyStatus",
    "RedriveResponseRedrive",
    "RepublishResponseRepublish",
    "ServiceStatus",
    "ServiceStatusEvents",
    "ServiceStatusLoops",
    "ServiceStatusLoopsAdditionalProperty",
    "ServiceStatusProjections",
    "WithdrawConsentBody",
    "WithdrawConsentResponseWithdrawconsent",
    "Workforce",
)
