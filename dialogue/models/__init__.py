"""All models, imported here so that metadata and Alembic see every table."""

from dialogue.models.audit import AuditEntry
from dialogue.models.base import Base, UTCDateTime, new_token, utcnow
from dialogue.models.cpv import CpvCode
from dialogue.models.event import (
                                          AgendaSession,
                                          Event,
                                          EventCoHost,
                                          EventFormat,
                                          EventStaff,
                                          EventStatus,
                                          RoleCapacity,
                                          SessionKind,
                                          SessionSpeaker,
                                          StaffRole,
)
from dialogue.models.intent import (
                                          ChangeAction,
                                          CriterionKind,
                                          EpeatTier,
                                          EventIntent,
                                          Intent,
                                          IntentChange,
                                          IntentCpvCode,
                                          IntentCriterion,
                                          IntentItem,
                                          IntentLot,
                                          IntentPartner,
                                          IntentQuestion,
                                          IntentStatus,
                                          IntentSubscription,
                                          ProcedureType,
                                          QuestionStatus,
)
from dialogue.models.organisation import Invitation, MemberRole, Membership, Organisation, OrganisationKind
from dialogue.models.outbox import OutboxAttachment, OutboxMessage, OutboxStatus
from dialogue.models.registration import (
                                          ACTIVE_STATES,
                                          Attendance,
                                          ParticipantRole,
                                          QuestionKind,
                                          Registration,
                                          RegistrationAnswer,
                                          RegistrationQuestion,
                                          RegistrationState,
)
from dialogue.models.user import User

__all__ = [
    "Base", "UTCDateTime", "new_token", "utcnow",
    "Invitation", "Membership", "MemberRole", "Organisation", "OrganisationKind",
    "OutboxAttachment", "OutboxMessage", "OutboxStatus",
    "User",
    "AgendaSession", "Event", "EventCoHost", "EventFormat", "EventStaff", "EventStatus", "RoleCapacity",
    "SessionKind", "SessionSpeaker", "StaffRole",
    "ACTIVE_STATES", "Attendance", "ParticipantRole", "QuestionKind", "Registration", "RegistrationAnswer",
    "RegistrationQuestion", "RegistrationState",
    "EventIntent", "Intent", "IntentStatus", "ProcedureType",
    "AuditEntry",

    "ChangeAction", "CriterionKind", "EpeatTier", "IntentChange", "IntentCpvCode", "IntentCriterion",
    "IntentItem", "IntentLot", "IntentPartner", "IntentQuestion", "IntentSubscription", "QuestionStatus",
    "CpvCode",
]
from dialogue.models.material import Material, MaterialDownload, MaterialReminder, MaterialVersion, MaterialVisibility  # noqa: E402

__all__ += ["Material", "MaterialDownload", "MaterialReminder", "MaterialVersion", "MaterialVisibility"]

from dialogue.models.meeting import (  # noqa: E402
                                          BusySlot,
                                          CalendarFeedToken,
                                          LocationKind,
                                          Meeting,
                                          MeetingBlock,
                                          MeetingInterest,
                                          MeetingLocation,
                                          MeetingMode,
                                          MeetingParticipant,
                                          MeetingRequest,
                                          MeetingRequestAttendee,
                                          MeetingRequestSlot,
                                          MeetingSettings,
                                          MeetingSide,
                                          MeetingSlot,
                                          MeetingStatus,
                                          RequestStatus,
                                          RunStatus,
                                          ScheduleRun,
)

__all__ += [
    "BusySlot", "CalendarFeedToken", "LocationKind", "Meeting", "MeetingBlock", "MeetingInterest",
    "MeetingLocation", "MeetingMode", "MeetingParticipant", "MeetingRequest", "MeetingRequestAttendee",
    "MeetingRequestSlot", "MeetingSettings", "MeetingSide", "MeetingSlot", "MeetingStatus", "RequestStatus",
    "RunStatus", "ScheduleRun",
]

from dialogue.models.survey import (  # noqa: E402
                                          Survey,
                                          SurveyAnswer,
                                          SurveyAudience,
                                          SurveyInvitation,
                                          SurveyQuestion,
                                          SurveyQuestionKind,
                                          SurveyResponse,
                                          SurveySection,
                                          SurveyState,
)

__all__ += ["Survey", "SurveyAnswer", "SurveyAudience", "SurveyInvitation", "SurveyQuestion", "SurveyQuestionKind",
            "SurveyResponse", "SurveySection", "SurveyState"]

from dialogue.models.profile import (  # noqa: E402
                                          ElectronicsWatchStatus,
                                          FieldVisibility,
                                          LabelScheme,
                                          OrganisationProfile,
                                          ProfileCpvCode,
                                          ProfileLabel,
                                          ProfileVersion,
                                          ResoldManufacturer,
)

__all__ += ["ElectronicsWatchStatus", "FieldVisibility", "LabelScheme", "OrganisationProfile", "ProfileCpvCode",
            "ProfileLabel", "ProfileVersion", "ResoldManufacturer"]

from dialogue.models.readiness import ReadinessAnswer, ReadinessChoice, ReadinessCriterion, ReadinessMatrix  # noqa: E402

__all__ += ["ReadinessAnswer", "ReadinessChoice", "ReadinessCriterion", "ReadinessMatrix"]

from dialogue.models.minutes import MeetingMinutes  # noqa: E402

__all__ += ["MeetingMinutes"]

from dialogue.models.group import (  # noqa: E402
                                          BuyerGroup,
                                          GroupMember,
                                          HarmonisedCriterion,
                                          HarmonisedCriterionVersion,
                                          StatementSignature,
                                          StatementVersion,
                                          Verification,
)

__all__ += ["BuyerGroup", "GroupMember", "HarmonisedCriterion", "HarmonisedCriterionVersion", "StatementSignature",
            "StatementVersion", "Verification"]

from dialogue.models.invitation_list import EventInvitee, InviteeSource, InviteeStatus  # noqa: E402
from dialogue.models.series import Series, SeriesFollower, SeriesOwner  # noqa: E402

__all__ += ["Series", "SeriesFollower", "SeriesOwner", "EventInvitee", "InviteeSource", "InviteeStatus"]
from dialogue.models.texts import EventText, IntentText, SessionText  # noqa: E402

__all__ += ["EventText", "IntentText", "SessionText"]

from dialogue.models.job import Job, JobStatus  # noqa: E402

__all__ += ["Job", "JobStatus"]
