"""All models, imported here so that metadata and Alembic see every table."""

from dialogue.models.base import Base, UTCDateTime, new_token, utcnow
from dialogue.models.organisation import (Invitation, Membership, MemberRole, Organisation,
                                          OrganisationKind)
from dialogue.models.outbox import OutboxAttachment, OutboxMessage, OutboxStatus
from dialogue.models.user import User
from dialogue.models.event import (AgendaSession, Event, EventCoHost, EventFormat, EventStaff, EventStatus,
                                   RoleCapacity, SessionKind, SessionSpeaker, StaffRole)
from dialogue.models.registration import (ACTIVE_STATES, ParticipantRole, QuestionKind, Registration,
                                          RegistrationAnswer, RegistrationQuestion, RegistrationState)
from dialogue.models.intent import EventIntent, Intent, IntentStatus, ProcedureType
from dialogue.models.audit import AuditEntry

from dialogue.models.intent import (ChangeAction, CriterionKind, EpeatTier, IntentChange, IntentCpvCode,
                                    IntentCriterion, IntentItem, IntentLot, IntentPartner, IntentQuestion,
                                    IntentSubscription, QuestionStatus)
from dialogue.models.cpv import CpvCode

__all__ = [
    "Base", "UTCDateTime", "new_token", "utcnow",
    "Invitation", "Membership", "MemberRole", "Organisation", "OrganisationKind",
    "OutboxAttachment", "OutboxMessage", "OutboxStatus",
    "User",
    "AgendaSession", "Event", "EventCoHost", "EventFormat", "EventStaff", "EventStatus", "RoleCapacity",
    "SessionKind", "SessionSpeaker", "StaffRole",
    "ACTIVE_STATES", "ParticipantRole", "QuestionKind", "Registration", "RegistrationAnswer",
    "RegistrationQuestion", "RegistrationState",
    "EventIntent", "Intent", "IntentStatus", "ProcedureType",
    "AuditEntry",

    "ChangeAction", "CriterionKind", "EpeatTier", "IntentChange", "IntentCpvCode", "IntentCriterion",
    "IntentItem", "IntentLot", "IntentPartner", "IntentQuestion", "IntentSubscription", "QuestionStatus",
    "CpvCode",
]
from dialogue.models.material import (Material, MaterialDownload, MaterialReminder, MaterialVersion,  # noqa: E402
                                      MaterialVisibility)

__all__ += ["Material", "MaterialDownload", "MaterialReminder", "MaterialVersion", "MaterialVisibility"]

from dialogue.models.meeting import (BusySlot, CalendarFeedToken, LocationKind, Meeting, MeetingBlock,  # noqa: E402
                                     MeetingInterest, MeetingLocation, MeetingMode, MeetingParticipant,
                                     MeetingRequest, MeetingRequestAttendee, MeetingRequestSlot,
                                     MeetingSettings, MeetingSide, MeetingSlot, MeetingStatus,
                                     RequestStatus, RunStatus, ScheduleRun)

__all__ += [
    "BusySlot", "CalendarFeedToken", "LocationKind", "Meeting", "MeetingBlock", "MeetingInterest",
    "MeetingLocation", "MeetingMode", "MeetingParticipant", "MeetingRequest", "MeetingRequestAttendee",
    "MeetingRequestSlot", "MeetingSettings", "MeetingSide", "MeetingSlot", "MeetingStatus", "RequestStatus",
    "RunStatus", "ScheduleRun",
]

from dialogue.models.survey import (Survey, SurveyAnswer, SurveyAudience, SurveyInvitation, SurveyQuestion,  # noqa: E402
                                    SurveyQuestionKind, SurveyResponse, SurveySection, SurveyState)

__all__ += ["Survey", "SurveyAnswer", "SurveyAudience", "SurveyInvitation", "SurveyQuestion", "SurveyQuestionKind",
            "SurveyResponse", "SurveySection", "SurveyState"]
