"""Contains all the data models used in inputs/outputs"""

from .activities_chosen_response_activitieschosen import ActivitiesChosenResponseActivitieschosen
from .approve_plan_body import ApprovePlanBody
from .approve_plan_response_approveplan import ApprovePlanResponseApproveplan
from .audit_trail_response_audittrail import AuditTrailResponseAudittrail
from .catalogue_response_catalogue import CatalogueResponseCatalogue
from .change_plan_body import ChangePlanBody
from .change_plan_response_changeplan import ChangePlanResponseChangeplan
from .contract_value_response_contractvalue import ContractValueResponseContractvalue
from .country_catalogue_response_countrycatalogue import CountryCatalogueResponseCountrycatalogue
from .create_programme import CreateProgramme
from .create_programme_response_createprogramme import CreateProgrammeResponseCreateprogramme
from .draft_plan import DraftPlan
from .draft_plan_response_draftplan import DraftPlanResponseDraftplan
from .get_plan_response_getplan import GetPlanResponseGetplan
from .get_programme_response_getprogramme import GetProgrammeResponseGetprogramme
from .hold_kick_off_body import HoldKickOffBody
from .job_progress_response_jobprogress import JobProgressResponseJobprogress
from .kick_off_response_kickoff import KickOffResponseKickoff
from .kpi_request import KpiRequest
from .list_jobs_response_200_item import ListJobsResponse200Item
from .list_parked_response_200_item import ListParkedResponse200Item
from .list_plans_response_listplans import ListPlansResponseListplans
from .list_programmes_response_listprogrammes import ListProgrammesResponseListprogrammes
from .milestone import Milestone
from .operator_actions_response_operatoractions import OperatorActionsResponseOperatoractions
from .planned_activity import PlannedActivity
from .plans_by_status_response_plansbystatus import PlansByStatusResponsePlansbystatus
from .price_list_response_pricelist import PriceListResponsePricelist
from .problem import Problem
from .problem_field import ProblemField
from .problem_kind import ProblemKind
from .projection_status import ProjectionStatus
from .projection_status_lag import ProjectionStatusLag
from .rebuild_response_rebuild import RebuildResponseRebuild
from .redrive_response_redrive import RedriveResponseRedrive
from .republish_response_republish import RepublishResponseRepublish
from .service_status import ServiceStatus
from .service_status_events import ServiceStatusEvents
from .service_status_loops import ServiceStatusLoops
from .service_status_loops_additional_property import ServiceStatusLoopsAdditionalProperty
from .service_status_projections import ServiceStatusProjections
from .suggestion_response_suggestion import SuggestionResponseSuggestion

__all__ = (
    "ActivitiesChosenResponseActivitieschosen",
    "ApprovePlanBody",
    "ApprovePlanResponseApproveplan",
    "AuditTrailResponseAudittrail",
    "CatalogueResponseCatalogue",
    "ChangePlanBody",
    "ChangePlanResponseChangeplan",
    "ContractValueResponseContractvalue",
    "CountryCatalogueResponseCountrycatalogue",
    "CreateProgramme",
    "CreateProgrammeResponseCreateprogramme",
    "DraftPlan",
    "DraftPlanResponseDraftplan",
    "GetPlanResponseGetplan",
    "GetProgrammeResponseGetprogramme",
    "HoldKickOffBody",
    "JobProgressResponseJobprogress",
    "KickOffResponseKickoff",
    "KpiRequest",
    "ListJobsResponse200Item",
    "ListParkedResponse200Item",
    "ListPlansResponseListplans",
    "ListProgrammesResponseListprogrammes",
    "Milestone",
    "OperatorActionsResponseOperatoractions",
    "PlannedActivity",
    "PlansByStatusResponsePlansbystatus",
    "PriceListResponsePricelist",
    "Problem",
    "ProblemField",
    "ProblemKind",
    "ProjectionStatus",
    "ProjectionStatusLag",
    "RebuildResponseRebuild",
    "RedriveResponseRedrive",
    "RepublishResponseRepublish",
    "ServiceStatus",
    "ServiceStatusEvents",
    "ServiceStatusLoops",
    "ServiceStatusLoopsAdditionalProperty",
    "ServiceStatusProjections",
    "SuggestionResponseSuggestion",
)
