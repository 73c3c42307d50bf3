"""Contains all the data models used in inputs/outputs"""

from .attendance import Attendance
from .audit_trail_response_audittrail import AuditTrailResponseAudittrail
from .cancel_session_body import CancelSessionBody
from .cancel_session_response_cancelsession import CancelSessionResponseCancelsession
from .cascade_response_cascade import CascadeResponseCascade
from .complete_activity_body import CompleteActivityBody
from .complete_activity_response_completeactivity import CompleteActivityResponseCompleteactivity
from .count import Count
from .count_age_band import CountAgeBand
from .count_role import CountRole
from .count_sex import CountSex
from .deliver_session_response_deliversession import DeliverSessionResponseDeliversession
from .facility_month_response_facilitymonth import FacilityMonthResponseFacilitymonth
from .field_batch_response_fieldbatch import FieldBatchResponseFieldbatch
from .field_session import FieldSession
from .forget_case_response_forgetcase import ForgetCaseResponseForgetcase
from .get_case_response_getcase import GetCaseResponseGetcase
from .get_work_plan_response_getworkplan import GetWorkPlanResponseGetworkplan
from .job_progress_response_jobprogress import JobProgressResponseJobprogress
from .list_facilities_response_listfacilities import ListFacilitiesResponseListfacilities
from .list_jobs_response_200_item import ListJobsResponse200Item
from .list_parked_response_200_item import ListParkedResponse200Item
from .list_work_plans_response_listworkplans import ListWorkPlansResponseListworkplans
from .open_case_response_opencase import OpenCaseResponseOpencase
from .open_consulting_case_body import OpenConsultingCaseBody
from .open_consulting_case_body_category import OpenConsultingCaseBodyCategory
from .open_facility_body import OpenFacilityBody
from .open_facility_body_kind import OpenFacilityBodyKind
from .open_facility_response_openfacility import OpenFacilityResponseOpenfacility
from .operator_actions_response_operatoractions import OperatorActionsResponseOperatoractions
from .person import Person
from .person_age_band import PersonAgeBand
from .person_role import PersonRole
from .person_sex import PersonSex
from .problem import Problem
from .problem_field import ProblemField
from .problem_kind import ProblemKind
from .progress_response_progress import ProgressResponseProgress
from .projection_status import ProjectionStatus
from .projection_status_lag import ProjectionStatusLag
from .reach_milestone_body import ReachMilestoneBody
from .reach_milestone_response_reachmilestone import ReachMilestoneResponseReachmilestone
from .rebuild_response_rebuild import RebuildResponseRebuild
from .record_attendance_body import RecordAttendanceBody
from .record_facility_month_body import RecordFacilityMonthBody
from .record_field_batch_body import RecordFieldBatchBody
from .redrive_response_redrive import RedriveResponseRedrive
from .republish_response_republish import RepublishResponseRepublish
from .reschedule_session_body import RescheduleSessionBody
from .reschedule_session_response_reschedulesession import RescheduleSessionResponseReschedulesession
from .schedule_session_body import ScheduleSessionBody
from .schedule_session_response_schedulesession import ScheduleSessionResponseSchedulesession
from .service_status import ServiceStatus
from .service_status_events import ServiceStatusEvents
from .service_status_loops import ServiceStatusLoops
from .service_status_loops_additional_property import ServiceStatusLoopsAdditionalProperty
from .service_status_projections import ServiceStatusProjections
from .statements_response_statements import StatementsResponseStatements

__all__ = (
    "Attendance",
    "AuditTrailResponseAudittrail",
    "CancelSessionBody",
    "CancelSessionResponseCancelsession",
    "CascadeResponseCascade",
    "CompleteActivityBody",
    "CompleteActivityResponseCompleteactivity",
    "Count",
    "CountAgeBand",
    "CountRole",
    "CountSex",
    "DeliverSessionResponseDeliversession",
    "FacilityMonthResponseFacilitymonth",
    "FieldBatchResponseFieldbatch",
    "FieldSession",
    "ForgetCaseResponseForgetcase",
    "GetCaseResponseGetcase",
    "GetWorkPlanResponseGetworkplan",
    "JobProgressResponseJobprogress",
    "ListFacilitiesResponseListfacilities",
    "ListJobsResponse200Item",
    "ListParkedResponse200Item",
    "ListWorkPlansResponseListworkplans",
    "OpenCaseResponseOpencase",
    "OpenConsultingCaseBody",
    "OpenConsultingCaseBodyCategory",
    "OpenFacilityBody",
    "OpenFacilityBodyKind",
    "OpenFacilityResponseOpenfacility",
    "OperatorActionsResponseOperatoractions",
    "Person",
    "PersonAgeBand",
    "PersonRole",
    "PersonSex",
    "Problem",
    "ProblemField",
    "ProblemKind",
    "ProgressResponseProgress",
    "ProjectionStatus",
    "ProjectionStatusLag",
    "ReachMilestoneBody",
    "ReachMilestoneResponseReachmilestone",
    "RebuildResponseRebuild",
    "RecordAttendanceBody",
    "RecordFacilityMonthBody",
    "RecordFieldBatchBody",
    "RedriveResponseRedrive",
    "RepublishResponseRepublish",
    "RescheduleSessionBody",
    "RescheduleSessionResponseReschedulesession",
    "ScheduleSessionBody",
    "ScheduleSessionResponseSchedulesession",
    "ServiceStatus",
    "ServiceStatusEvents",
    "ServiceStatusLoops",
    "ServiceStatusLoopsAdditionalProperty",
    "ServiceStatusProjections",
    "StatementsResponseStatements",
)
