from __future__ import annotations

__all__ = ["ChangeAction", "CriterionKind", "EpeatTier", "EventIntent", "Intent", "IntentChange", "IntentCpvCode",
           "IntentCriterion", "IntentItem", "IntentLot", "IntentPartner", "IntentQuestion", "IntentStatus",
           "IntentSubscription", "ProcedureType", "QuestionStatus"]

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dialogue.models.base import CreatedBy, LabelledEnum, OfPerson, PkModel, UpdatedAt, UTCDateTime, enum_column, utcnow
from dialogue.models.organisation import Organisation


class IntentStatus(LabelledEnum):
    DRAFT = "draft"
    ANNOUNCED = "announced"
    TENDER_PUBLISHED = "tender_published"
    AWARDED = "awarded"
    WITHDRAWN = "withdrawn"


class ProcedureType(LabelledEnum):
    OPEN = "open"
    RESTRICTED = "restricted"
    COMPETITIVE_DIALOGUE = "competitive_dialogue"
    NEGOTIATED = "negotiated"
    FRAMEWORK_AGREEMENT = "framework_agreement"
    DYNAMIC_PURCHASING_SYSTEM = "dynamic_purchasing_system"


class CriterionKind(LabelledEnum):
    LABEL = "label"                      # TCO Certified, EPEAT, Blue Angel or another label (or equivalent)
    AFFILIATION = "affiliation"          # Electronics Watch: an affiliation, not a label
    SELECTION = "selection"
    EXCLUSION = "exclusion"
    TECHNICAL_SPECIFICATION = "technical_specification"
    AWARD = "award"
    CONTRACT_PERFORMANCE = "contract_performance"
    HUMAN_RIGHTS_DUE_DILIGENCE = "human_rights_due_diligence"
    CIRCULARITY = "circularity"          # refurbished, take-back, repairability


class EpeatTier(LabelledEnum):
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"


class QuestionStatus(LabelledEnum):
    PENDING = "pending"      # asked, not yet answered; seen by the asker and the buyer's staff only
    ANSWERED = "answered"    # published to everyone with its answer
    MERGED = "merged"        # a duplicate, answered with the question it was merged into


class ChangeAction(LabelledEnum):
    CREATED = "created"
    EDITED = "edited"
    ANNOUNCED = "announced"
    TENDER_PUBLISHED = "tender_published"
    AWARDED = "awarded"
    WITHDRAWN = "withdrawn"
    EVENT_LINKED = "event_linked"
    EVENT_UNLINKED = "event_unlinked"
    ANSWER_PUBLISHED = "answer_published"
    ANSWER_CORRECTED = "answer_corrected"


class Intent(CreatedBy, UpdatedAt, PkModel):
    """A buyer's announcement of a planned tender (modelled on the prior information notice)."""

    __tablename__ = "intents"
    __table_args__ = (
        CheckConstraint("estimated_value IS NULL OR estimated_value >= 0", name="value_not_negative"),
        CheckConstraint("contract_duration_months IS NULL OR contract_duration_months > 0",
                        name="duration_positive"),
    )

    buyer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised on display
    rationale: Mapped[str] = mapped_column(Text, default="")    # why the buyer buys (OCDS planning.rationale)
    cpv_main: Mapped[str] = mapped_column(String(10), index=True)  # "30213100-6"
    estimated_value: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    currency: Mapped[str | None] = mapped_column(String(3))  # ISO 4217
    procedure_type: Mapped[ProcedureType | None] = mapped_column(enum_column(ProcedureType, "procedure_type"))
    planned_notice_date: Mapped[dt.date | None] = mapped_column(Date)
    contract_start_date: Mapped[dt.date | None] = mapped_column(Date)
    contract_duration_months: Mapped[int | None] = mapped_column(Integer)
    place_country: Mapped[str | None] = mapped_column(String(2), index=True)
    place_nuts: Mapped[str | None] = mapped_column(String(5))
    joint_procurement: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # IANA zone in which the intent's timestamps (answers, history) are shown.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Brussels")
    status: Mapped[IntentStatus] = mapped_column(enum_column(IntentStatus, "intent_status"), default=IntentStatus.DRAFT,
                                                 index=True)
    tender_url: Mapped[str | None] = mapped_column(String(500))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    announced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    tender_published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    awarded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Bumped on every public change: the OCDS release id is the ocid plus this number.
    revision: Mapped[int] = mapped_column(Integer, default=1)

    buyer: Mapped[Organisation] = relationship()
    items: Mapped[list[IntentItem]] = relationship(back_populates="intent", cascade="all, delete-orphan",
                                                   order_by="IntentItem.position")
    lots: Mapped[list[IntentLot]] = relationship(back_populates="intent", cascade="all, delete-orphan",
                                                 order_by="IntentLot.number")
    additional_cpv: Mapped[list[IntentCpvCode]] = relationship(back_populates="intent",
                                                               cascade="all, delete-orphan",
                                                               order_by="IntentCpvCode.id")
    criteria: Mapped[list[IntentCriterion]] = relationship(back_populates="intent", cascade="all, delete-orphan",
                                                           order_by="IntentCriterion.position")
    partners: Mapped[list[IntentPartner]] = relationship(back_populates="intent", cascade="all, delete-orphan",
                                                         order_by="IntentPartner.id")
    changes: Mapped[list[IntentChange]] = relationship(back_populates="intent", cascade="all, delete-orphan",
                                                       order_by="IntentChange.id")
    questions: Mapped[list[IntentQuestion]] = relationship(back_populates="intent", cascade="all, delete-orphan",
                                                           order_by="IntentQuestion.id",
                                                           foreign_keys="IntentQuestion.intent_id")
    event_links: Mapped[list[EventIntent]] = relationship(back_populates="intent", cascade="all, delete-orphan",
                                                          order_by="EventIntent.id")

    @hybrid_property
    def is_public(self) -> bool:
        """What an anonymous visitor may see: every intent but a draft (``Intent.is_public`` in a query)."""
        return self.status != IntentStatus.DRAFT

    @property
    def is_open_for_questions(self) -> bool:
        return self.status == IntentStatus.ANNOUNCED

    @property
    def is_editable(self) -> bool:
        return self.status in (IntentStatus.DRAFT, IntentStatus.ANNOUNCED)

    @property
    def all_cpv_codes(self) -> list[str]:
        """Main, additional and item codes, each once, main first."""
        codes = [self.cpv_main] + [c.code for c in self.additional_cpv] + [i.cpv for i in self.items]
        return list(dict.fromkeys(codes))

    def __repr__(self) -> str:
        return f"<Intent {self.id} {self.title!r}>"


class IntentItem(PkModel):
    """One thing to be bought, e.g. 20,000 laptops a year."""

    __tablename__ = "intent_items"
    __table_args__ = (CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),)

    intent_id: Mapped[int] = mapped_column(ForeignKey("intents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    cpv: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    unit: Mapped[str | None] = mapped_column(String(60))
    lot_number: Mapped[int | None] = mapped_column(Integer)

    intent: Mapped[Intent] = relationship(back_populates="items")


class IntentLot(PkModel):
    __tablename__ = "intent_lots"
    __table_args__ = (UniqueConstraint("intent_id", "number"),
                      CheckConstraint("number > 0", name="number_positive"),
                      CheckConstraint("estimated_value IS NULL OR estimated_value >= 0", name="value_not_negative"))

    intent_id: Mapped[int] = mapped_column(ForeignKey("intents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    estimated_value: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))

    intent: Mapped[Intent] = relationship(back_populates="lots")


class IntentCpvCode(PkModel):
    """An additional CPV code of an intent (the main one is on the intent)."""

    __tablename__ = "intent_cpv_codes"
    __table_args__ = (UniqueConstraint("intent_id", "code"),)

    intent_id: Mapped[int] = mapped_column(ForeignKey("intents.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(10), index=True)

    intent: Mapped[Intent] = relationship(back_populates="additional_cpv")


class IntentCriterion(PkModel):
    """A criterion the buyer intends to use, structured by kind, each with a short text.

    ``subject`` names what a label, affiliation or circularity criterion is about
    (``tco_certified``, ``epeat``, ``blue_angel``, ``other``; ``electronics_watch``;
    ``refurbished``, ``take_back``, ``repairability``); the other kinds have none.
    """

    __tablename__ = "intent_criteria"

    intent_id: Mapped[int] = mapped_column(ForeignKey("intents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CriterionKind] = mapped_column(enum_column(CriterionKind, "criterion_kind"))
    subject: Mapped[str | None] = mapped_column(String(40))
    tier: Mapped[EpeatTier | None] = mapped_column(enum_column(EpeatTier, "epeat_tier"))
    name: Mapped[str | None] = mapped_column(String(200))  # the other label's name
    text: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Adopted from a buyer group's library of harmonised criteria: which criterion, at which version.
    harmonised_id: Mapped[int | None] = mapped_column(ForeignKey("harmonised_criteria.id", ondelete="SET NULL"),
                                                      index=True)
    harmonised_version: Mapped[int | None] = mapped_column(Integer)

    intent: Mapped[Intent] = relationship(back_populates="criteria")
    harmonised: Mapped["HarmonisedCriterion | None"] = relationship()  # noqa: F821


class IntentPartner(PkModel):
    """Another buyer procuring jointly; on the platform (organisation) or named only."""

    __tablename__ = "intent_partners"

    intent_id: Mapped[int] = mapped_column(ForeignKey("intents.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"),
                                                        index=True)
    name: Mapped[str] = mapped_column(String(200))

    intent: Mapped[Intent] = relationship(back_populates="partners")
    organisation: Mapped[Organisation | None] = relationship()


class IntentChange(PkModel):
    """One entry of an intent's history: what changed and when. Suppliers plan on these dates."""

    __tablename__ = "intent_changes"

    intent_id: Mapped[int] = mapped_column(ForeignKey("intents.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[ChangeAction] = mapped_column(enum_column(ChangeAction, "intent_change_action"))
    # [{"field": "planned_notice_date", "label": "...", "old": "2026-03-01", "new": "2026-05-01"}, ...]
    details: Mapped[list[dict]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    # Made while the intent was public; changes to a draft are kept for the buyer only.
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    # The organisation the person acted for, as it was named then (the lead or a partner of a joint tender).
    organisation_name: Mapped[str | None] = mapped_column(String(200))

    intent: Mapped[Intent] = relationship(back_populates="changes")
    actor: Mapped["User | None"] = relationship()  # noqa: F821


class IntentQuestion(PkModel):
    """A supplier's question on an intent. Once answered it is published to everyone."""

    __tablename__ = "intent_questions"

    intent_id: Mapped[int] = mapped_column(ForeignKey("intents.id", ondelete="CASCADE"), index=True)
    asker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    asker_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    # The asker's choice: by default the organisation is not shown with the published question.
    show_organisation: Mapped[bool] = mapped_column(Boolean, default=False)
    # Published by the buyer without being asked (what was said in a one-to-one meeting, Art. 41).
    clarification: Mapped[bool] = mapped_column(Boolean, default=False)
    original_text: Mapped[str] = mapped_column(Text)   # as asked, kept for the record
    public_text: Mapped[str] = mapped_column(Text)     # the wording published, which the buyer may edit
    status: Mapped[QuestionStatus] = mapped_column(enum_column(QuestionStatus, "question_status"),
                                                   default=QuestionStatus.PENDING)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("intent_questions.id", ondelete="SET NULL"))
    answer: Mapped[str | None] = mapped_column(Text)
    asked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    wording_edited_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    answer_updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    intent: Mapped[Intent] = relationship(back_populates="questions", foreign_keys=[intent_id])
    asker: Mapped["User | None"] = relationship(foreign_keys=[asker_id])  # noqa: F821
    asker_organisation: Mapped[Organisation | None] = relationship()
    merged_into: Mapped[IntentQuestion | None] = relationship(remote_side="IntentQuestion.id",
                                                              back_populates="duplicates")
    duplicates: Mapped[list[IntentQuestion]] = relationship(back_populates="merged_into",
                                                            order_by="IntentQuestion.id")


class IntentSubscription(OfPerson, PkModel):
    """A person's alert: intents under a CPV prefix and/or of a buyer, or one intent they follow."""

    __tablename__ = "intent_subscriptions"
    __table_args__ = (
        CheckConstraint("cpv_prefix IS NOT NULL OR buyer_id IS NOT NULL OR intent_id IS NOT NULL",
                        name="has_a_subject"),
    )

    cpv_prefix: Mapped[str | None] = mapped_column(String(8))  # 2 to 8 digits, e.g. "302"
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    intent_id: Mapped[int | None] = mapped_column(ForeignKey("intents.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Alerts go out on the person's consent: which wording they agreed to and when (given again on
    # resubscribing); ``unsubscribed_at`` is when it was withdrawn.
    consent_version: Mapped[str | None] = mapped_column(String(32))
    consented_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    buyer: Mapped[Organisation | None] = relationship()
    intent: Mapped[Intent | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.unsubscribed_at is None


class EventIntent(PkModel):
    """An intent presented at an event."""

    __tablename__ = "event_intents"
    __table_args__ = (UniqueConstraint("event_id", "intent_id"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    intent_id: Mapped[int] = mapped_column(ForeignKey("intents.id", ondelete="CASCADE"), index=True)
    linked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped["Event"] = relationship()  # noqa: F821
    intent: Mapped[Intent] = relationship(back_populates="event_links")
