"""Contains all the data models used in inputs/outputs"""

from .archive_factory_body import ArchiveFactoryBody
from .archive_factory_response_archivefactory import ArchiveFactoryResponseArchivefactory
from .audit_trail_response_audittrail import AuditTrailResponseAudittrail
from .complete_assessment_body import CompleteAssessmentBody
from .complete_response_complete import CompleteResponseComplete
from .country_indicators_response_countryindicators import CountryIndicatorsResponseCountryindicators
from .demographics import Demographics
from .demographics_headcount import DemographicsHeadcount
from .demographics_headcount_additional_property import DemographicsHeadcountAdditionalProperty
from .factory_indicator_list_response_factoryindicatorlist import FactoryIndicatorListResponseFactoryindicatorlist
from .finding import Finding
from .finding_priority import FindingPriority
from .get_assessment_response_getassessment import GetAssessmentResponseGetassessment
from .get_checklist_response_getchecklist import GetChecklistResponseGetchecklist
from .get_factory_response_getfactory import GetFactoryResponseGetfactory
from .get_instrument_response_getinstrument import GetInstrumentResponseGetinstrument
from .job_progress_response_jobprogress import JobProgressResponseJobprogress
from .list_assessments_response_listassessments import ListAssessmentsResponseListassessments
from .list_factories_response_listfactories import ListFactoriesResponseListfactories
from .list_jobs_response_200_item import ListJobsResponse200Item
from .list_parked_response_200_item import ListParkedResponse200Item
from .operator_actions_response_operatoractions import OperatorActionsResponseOperatoractions
from .policy_answer import PolicyAnswer
from .policy_answer_status import PolicyAnswerStatus
from .problem import Problem
from .problem_field import ProblemField
from .problem_kind import ProblemKind
from .projection_status import ProjectionStatus
from .projection_status_lag import ProjectionStatusLag
from .rebuild_response_rebuild import RebuildResponseRebuild
from .record_demographics_body import RecordDemographicsBody
from .record_demographics_response_recorddemographics import RecordDemographicsResponseRecorddemographics
from .record_findings_body import RecordFindingsBody
from .record_findings_response_recordfindings import RecordFindingsResponseRecordfindings
from .record_policies_body import RecordPoliciesBody
from .record_policies_body_items import RecordPoliciesBodyItems
from .record_policies_response_recordpolicies import RecordPoliciesResponseRecordpolicies
from .record_response_response_recordresponse import RecordResponseResponseRecordresponse
from .record_responses_response_recordresponses import RecordResponsesResponseRecordresponses
from .record_survey_response_body import RecordSurveyResponseBody
from .record_survey_response_body_answers import RecordSurveyResponseBodyAnswers
from .record_survey_responses_body import RecordSurveyResponsesBody
from .redrive_response_redrive import RedriveResponseRedrive
from .register_factory import RegisterFactory
from .register_factory_response_registerfactory import RegisterFactoryResponseRegisterfactory
from .republish_response_republish import RepublishResponseRepublish
from .schedule_assessment import ScheduleAssessment
from .schedule_assessment_response_scheduleassessment import ScheduleAssessmentResponseScheduleassessment
from .service_status import ServiceStatus
from .service_status_events import ServiceStatusEvents
from .service_status_loops import ServiceStatusLoops
from .service_status_loops_additional_property import ServiceStatusLoopsAdditionalProperty
from .service_status_projections import ServiceStatusProjections
from .set_factory_identifiers_body import SetFactoryIdentifiersBody
from .set_factory_identifiers_response_setfactoryidentifiers import SetFactoryIdentifiersResponseSetfactoryidentifiers
from .survey_response import SurveyResponse
from .survey_response_answers import SurveyResponseAnswers
from .update_factory_body import UpdateFactoryBody
from .update_factory_response_updatefactory import UpdateFactoryResponseUpdatefactory
from .worklist_response_worklist import WorklistResponseWorklist

__all__ = (
    "ArchiveFactoryBody",
    "ArchiveFactoryResponseArchivefactory",
    "AuditTrailResponseAudittrail",
    "CompleteAssessmentBody",
    "CompleteResponseComplete",
    "CountryIndicatorsResponseCountryindicators",
    "Demographics",
    "DemographicsHeadcount",
    "DemographicsHeadcountAdditionalProperty",
    "FactoryIndicatorListResponseFactoryindicatorlist",
    "Finding",
    "FindingPriority",
    "GetAssessmentResponseGetassessment",
    "GetChecklistResponseGetchecklist",
    "GetFactoryResponseGetfactory",
    "GetInstrumentResponseGetinstrument",
    "JobProgressResponseJobprogress",
    "ListAssessmentsResponseListassessments",
    "ListFactoriesResponseListfactories",
    "ListJobsResponse200Item",
    "ListParkedResponse200Item",
    "OperatorActionsResponseOperatoractions",
    "PolicyAnswer",
    "PolicyAnswerStatus",
    "Problem",
    "ProblemField",
    "ProblemKind",
    "ProjectionStatus",
    "ProjectionStatusLag",
    "RebuildResponseRebuild",
    "RecordDemographicsBody",
    "RecordDemographicsResponseRecorddemographics",
    "RecordFindingsBody",
    "RecordFindingsResponseRecordfindings",
    "RecordPoliciesBody",
    "RecordPoliciesBodyItems",
    "RecordPoliciesResponseRecordpolicies",
    "RecordResponseResponseRecordresponse",
    "RecordResponsesResponseRecordresponses",
    "RecordSurveyResponseBody",
    "RecordSurveyResponseBodyAnswers",
    "RecordSurveyResponsesBody",
    "RedriveResponseRedrive",
    "RegisterFactory",
    "RegisterFactoryResponseRegisterfactory",
    "RepublishResponseRepublish",
    "ScheduleAssessment",
    "ScheduleAssessmentResponseScheduleassessment",
    "ServiceStatus",
    "ServiceStatusEvents",
    "ServiceStatusLoops",
    "ServiceStatusLoopsAdditionalProperty",
    "ServiceStatusProjections",
    "SetFactoryIdentifiersBody",
    "SetFactoryIdentifiersResponseSetfactoryidentifiers",
    "SurveyResponse",
    "SurveyResponseAnswers",
    "UpdateFactoryBody",
    "UpdateFactoryResponseUpdatefactory",
    "WorklistResponseWorklist",
)
