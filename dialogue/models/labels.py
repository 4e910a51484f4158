"""What people read for each state: the label of every member of every labelled enum of the models.

The enums are declared with their models; their labels are given here, all together, so that the
same state is worded the same way everywhere (and the wording can be read and reviewed in one place).
``LabelledEnum.give_labels`` checks that every member has one. The models package imports this module,
so every enum has its labels as soon as any model can be imported.
"""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p

from dialogue.models.event import EventFormat, EventStatus, SessionKind
from dialogue.models.group import Verification
from dialogue.models.intent import ChangeAction, CriterionKind, EpeatTier, IntentStatus, ProcedureType, QuestionStatus
from dialogue.models.invitation_list import InviteeSource, InviteeStatus
from dialogue.models.job import JobStatus
from dialogue.models.material import MaterialVisibility
from dialogue.models.meeting import MeetingMode, RequestStatus
from dialogue.models.organisation import MemberRole, OrganisationKind
from dialogue.models.outbox import OutboxStatus
from dialogue.models.profile import ElectronicsWatchStatus, FieldVisibility, LabelScheme
from dialogue.models.readiness import ReadinessChoice
from dialogue.models.registration import Attendance, ParticipantRole, RegistrationState
from dialogue.models.survey import SurveyAudience, SurveyQuestionKind

OrganisationKind.give_labels(PUBLIC_BUYER=_l("Public buyer"), SUPPLIER=_l("Supplier"), RESELLER=_l("Reseller"),
                             MANUFACTURER=_l("Manufacturer"), CIVIL_SOCIETY=_l("Civil society"), NETWORK=_l("Network"),
                             OTHER=_l("Other"))
MemberRole.give_labels(MEMBER=_l("member"), ADMIN=_l("administrator"))

EventStatus.give_labels(DRAFT=_l("draft"), PUBLISHED=_l("published"), REGISTRATION_CLOSED=_l("registration closed"),
                        FINISHED=_l("finished"), CANCELLED=_l("cancelled"))
EventFormat.give_labels(IN_PERSON=_l("In person"), ONLINE=_l("Online"), HYBRID=_l("Hybrid (in person and online)"))
SessionKind.give_labels(BUYER_PRESENTATION=_l("Buyer presentation"), SUPPLIER_PITCH=_l("Supplier pitch"),
                        PANEL=_l("Panel"), WORKSHOP=_l("Workshop"), BREAK=_l("Break"),
                        ONE_TO_ONE=_l("One-to-one meetings"), OTHER=_l("Other"))

ParticipantRole.give_labels(BUYER=_l("Buyer"), SUPPLIER=_l("Supplier"), RESELLER=_l("Reseller"),
                            OBSERVER=_l("Observer"), SPEAKER=_l("Speaker"))
RegistrationState.give_labels(PENDING=_l("waiting for approval"), CONFIRMED=_l("confirmed"),
                              WAITLISTED=_l("on the waiting list"), REJECTED=_l("not accepted"),
                              CANCELLED=_l("cancelled"))
Attendance.give_labels(IN_PERSON=_l("In person"), ONLINE=_l("Online"))

IntentStatus.give_labels(DRAFT=_l("Draft"), ANNOUNCED=_l("Announced"), TENDER_PUBLISHED=_l("Tender published"),
                         AWARDED=_l("Awarded"), WITHDRAWN=_l("Withdrawn"))
ProcedureType.give_labels(OPEN=_l("Open procedure"), RESTRICTED=_l("Restricted procedure"),
                          COMPETITIVE_DIALOGUE=_l("Competitive dialogue"),
                          NEGOTIATED=_l("Competitive procedure with negotiation"),
                          FRAMEWORK_AGREEMENT=_l("Framework agreement"),
                          DYNAMIC_PURCHASING_SYSTEM=_l("Dynamic purchasing system"))
CriterionKind.give_labels(LABEL=_l("Labels or equivalent"), AFFILIATION=_l("Affiliation"),
                          SELECTION=_l("Selection criteria"), EXCLUSION=_l("Exclusion criteria"),
                          TECHNICAL_SPECIFICATION=_l("Technical specifications"), AWARD=_l("Award criteria"),
                          CONTRACT_PERFORMANCE=_l("Contract performance clauses"),
                          HUMAN_RIGHTS_DUE_DILIGENCE=_l("Human-rights due diligence"), CIRCULARITY=_l("Circularity"))
EpeatTier.give_labels(BRONZE=_l("Bronze"), SILVER=_l("Silver"), GOLD=_l("Gold"))
QuestionStatus.give_labels(PENDING=_l("Waiting for an answer"), ANSWERED=_l("Answered"), MERGED=_l("Merged"))
ChangeAction.give_labels(CREATED=_l("Draft created"), EDITED=_l("Changed"), ANNOUNCED=_l("Announced"),
                         TENDER_PUBLISHED=_l("Tender published"), AWARDED=_l("Awarded"), WITHDRAWN=_l("Withdrawn"),
                         EVENT_LINKED=_l("Presented at an event"), EVENT_UNLINKED=_l("No longer listed at an event"),
                         ANSWER_PUBLISHED=_l("Answer published"), ANSWER_CORRECTED=_l("Answer corrected"))

Verification.give_labels(LABEL=_l("Label (or equivalent)"), AFFILIATION=_l("Affiliation"),
                         THIRD_PARTY_AUDIT=_l("Third-party audit"), SELF_DECLARATION=_l("Self-declaration"),
                         DOCUMENTATION=_l("Technical documentation"))

MaterialVisibility.give_labels(PUBLIC=_l("Public: anyone, also without an account"),
                               PARTICIPANTS=_l("Registered participants of the event"),
                               ORGANISERS=_l("Organisers only"))

MeetingMode.give_labels(REQUEST=_l("Request and accept: suppliers ask, buyers accept or decline"),
                        SELF_BOOKING=_l("Self-booking: suppliers book a free slot in a buyer's calendar"),
                        ORGANISER=_l("Organiser schedules: requests are collected, then the organisers run the "
                                     "auto-scheduler and publish"))
# "Declined" of a meeting request and of an event invitation may be different words in a language.
RequestStatus.give_labels(PENDING=_p("meeting request", "pending"), ACCEPTED=_p("meeting request", "accepted"),
                          DECLINED=_p("meeting request", "declined"), EXPIRED=_p("meeting request", "expired"),
                          WITHDRAWN=_p("meeting request", "withdrawn"))

SurveyQuestionKind.give_labels(RATING=_l("Rating 1–5"), NPS=_l("Score 0–10 (NPS)"), SINGLE_CHOICE=_l("Single choice"),
                               MULTIPLE_CHOICE=_l("Multiple choice"), YES_NO=_l("Yes / no"),
                               SHORT_TEXT=_l("Short text"), LONG_TEXT=_l("Long text"), NUMBER=_l("Number"))
SurveyAudience.give_labels(REGISTERED=_l("Everyone registered (confirmed)"),
                           CHECKED_IN=_l("Only participants who checked in"),
                           HAD_MEETING=_l("Only people who had a one-to-one meeting"))

FieldVisibility.give_labels(PUBLIC=_l("Everyone"), PARTICIPANTS=_l("Participants of shared events only"))
ElectronicsWatchStatus.give_labels(NOT_STATED=_l("Not stated"),
                                   WILL_DISCLOSE=_l("Will disclose production sites under contract"),
                                   DISCLOSED=_l("Production sites disclosed"))
LabelScheme.give_labels(TCO_CERTIFIED=_l("TCO Certified"), EPEAT=_l("EPEAT"), BLUE_ANGEL=_l("Blue Angel"),
                        FAIRTRADE=_l("Fairtrade Gold"), OTHER=_l("Other label"))

ReadinessChoice.give_labels(MEETS_TODAY=_l("Meets it today"), CAN_MEET_BY=_l("Can meet it by a date"),
                            CANNOT=_l("Cannot meet it"), NOT_APPLICABLE=_l("Not applicable to us"))

InviteeSource.give_labels(CSV=_l("Invitation list"), SERIES=_l("Earlier event of the series"))
InviteeStatus.give_labels(NOT_SENT=_l("Not sent yet"), NO_ANSWER=_l("No answer"), REGISTERED=_l("Registered"),
                          DECLINED=_p("event invitation", "Declined"))

OutboxStatus.give_labels(QUEUED=_p("mail", "waiting"), SENDING=_p("mail", "sending"), SENT=_p("mail", "sent"),
                         FAILED=_p("mail", "failed"))

JobStatus.give_labels(QUEUED=_l("waiting for a worker"), RUNNING=_l("running"), DONE=_l("done"),
                      FAILED=_l("failed"))
