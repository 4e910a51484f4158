"""Intents: create, edit, announce, mark the tender published or awarded, withdraw; and their history.

Every change to a public intent is written to its history (what changed, when), because suppliers
plan on these dates. Services never commit; the view does, once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.core.urls import clean_http_url
from dialogue.extensions import db
from dialogue.intents import access, notify
from dialogue.intents.criteria import criterion_title
from dialogue.intents.inputs import Clean, IntentInput
from dialogue.intents.validation import clean_intent, plain_text
from dialogue.models import (
    ChangeAction,
    Intent,
    IntentChange,
    IntentCpvCode,
    IntentCriterion,
    IntentItem,
    IntentLot,
    IntentPartner,
    IntentStatus,
    Job,
    User,
    utcnow,
)

# Fields whose change is a change of dates: followers get a mail.
DATE_FIELDS = ("planned_notice_date", "contract_start_date", "contract_duration_months")


def today() -> dt.date:
    return utcnow().date()


def _require_staff(intent: Intent, actor: User) -> None:
    if not access.is_buyer_staff(intent, actor):
        raise NotAllowed(_("Only the staff of %(buyer)s and its partners in this tender can change this planned "
                           "tender.", buyer=intent.buyer.name))


def _require_lead(intent: Intent, actor: User) -> None:
    """Status changes speak for the whole procurement: the lead buyer makes them (see access)."""
    if not access.is_lead_staff(intent, actor):
        raise NotAllowed(_("Only the staff of %(buyer)s, which leads this tender, can do this.",
                           buyer=intent.buyer.name))


# -- history ----------------------------------------------------------------------------------------------

def _fmt_amount(value: Decimal | None, currency: str | None) -> str | None:
    if value is None:
        return None
    return f"{value:,.2f} {currency or ''}".strip()


def snapshot(intent: Intent) -> dict[str, str | None]:
    """Each field as a person reads it, so a change can be shown as "old -> new"."""
    items = "; ".join(
        f"{item.description} ({item.cpv}" + (f", {item.quantity.normalize():f} {item.unit or ''}".rstrip()
                                               if item.quantity is not None else "") + ")"
        for item in intent.items)
    return {
        "title": intent.title,
        "description": intent.description or None,
        "rationale": intent.rationale or None,
        "cpv_main": intent.cpv_main,
        "additional_cpv": ", ".join(c.code for c in intent.additional_cpv) or None,
        "items": items or None,
        "lots": "; ".join(f"{lot.number}. {lot.title}" for lot in intent.lots) or None,
        "criteria": "; ".join(criterion_title(c) for c in intent.criteria) or None,
        "estimated_value": _fmt_amount(intent.estimated_value, intent.currency),
        "procedure_type": intent.procedure_type.value if intent.procedure_type else None,
        "planned_notice_date": intent.planned_notice_date.isoformat() if intent.planned_notice_date else None,
        "contract_start_date": intent.contract_start_date.isoformat() if intent.contract_start_date else None,
        "contract_duration_months": str(intent.contract_duration_months) if intent.contract_duration_months else None,
        "place": " ".join(filter(None, [intent.place_country, intent.place_nuts])) or None,
        "partners": ", ".join(p.name for p in intent.partners) or None,
        "contact": " ".join(filter(None, [intent.contact_name, intent.contact_email])) or None,
    }


# Long texts are shown as "changed", not quoted in full.
LONG_FIELDS = ("description", "rationale", "criteria", "items")


def diff(before: dict, after: dict) -> list[dict]:
    changes = []
    for name, new in after.items():
        old = before.get(name)
        if old != new:
            if name in LONG_FIELDS:
                changes.append({"field": name, "old": None, "new": None})
            else:
                changes.append({"field": name, "old": old, "new": new})
    return changes


def audit_intent(actor: User | None, action: str, summary: str, intent: Intent | None, **details) -> None:
    from dialogue.audit.services import record_action

    record_action(actor, action, summary, intent=intent, **details)


def record_change(intent: Intent, actor: User | None, action: ChangeAction, details: list[dict] | None = None,
                  note: str | None = None) -> IntentChange:
    # The organisation is kept as it was named then: on a joint tender it tells which partner acted.
    organisation = getattr(actor, "organisation", None) if actor is not None else None
    change = IntentChange(intent=intent, actor_id=actor.id if actor else None, action=action,
                          details=details or [], note=note, public=intent.is_public, at=utcnow(),
                          organisation_name=organisation.name if organisation is not None else None)
    db.session.add(change)
    if intent.is_public:
        intent.revision = (intent.revision or 1) + 1
    return change


# -- create and edit --------------------------------------------------------------------------------------

def _apply(intent: Intent, clean: Clean) -> None:
    for name in ("title", "description", "rationale", "cpv_main", "estimated_value", "currency", "procedure_type",
                 "planned_notice_date", "contract_start_date", "contract_duration_months", "place_country",
                 "place_nuts", "contact_name", "contact_email"):
        setattr(intent, name, getattr(clean, name))
    if clean.timezone:
        intent.timezone = clean.timezone
    # A criterion adopted from a buyer group's library stays linked to it when the form saves it again.
    links = {(c.kind, c.subject): (c.harmonised_id, c.harmonised_version) for c in intent.criteria
             if c.harmonised_id is not None}
    # Children are replaced as a whole. The old rows go first: lot numbers and codes are unique per
    # intent, and a flush inserts before it deletes.
    for collection in (intent.items, intent.lots, intent.additional_cpv, intent.criteria, intent.partners):
        collection.clear()
    if intent.id is not None:
        db.session.flush()
    intent.additional_cpv.extend(IntentCpvCode(code=code) for code in clean.additional_cpv)
    intent.lots.extend(IntentLot(**lot) for lot in clean.lots)
    intent.items.extend(IntentItem(position=position, **item) for position, item in enumerate(clean.items))
    intent.criteria.extend(IntentCriterion(**criterion) for criterion in clean.criteria)
    for criterion in intent.criteria:
        criterion.harmonised_id, criterion.harmonised_version = links.get((criterion.kind, criterion.subject),
                                                                          (None, None))
    intent.partners.extend(IntentPartner(organisation=org, name=name) for org, name in clean.partners)
    intent.joint_procurement = bool(clean.partners)


def create_intent(actor: User, data: IntentInput, *, on: dt.date | None = None) -> Intent:
    """A draft intent of the actor's organisation, which must be a public buyer.

    Nothing planned may lie in the past; every field is checked before anything is stored.
    """
    if not access.can_create_intents(actor):
        raise NotAllowed(_("Only staff of a public-buyer organisation can announce planned tenders."))
    buyer = actor.organisation
    if not data.timezone:
        data.timezone = actor.timezone
    if not data.place_country:
        data.place_country = buyer.country
    clean = clean_intent(data, buyer=buyer, today=on or today())
    intent = Intent(buyer=buyer, created_by_id=actor.id, status=IntentStatus.DRAFT, revision=1,
                    timezone="Europe/Brussels")
    _apply(intent, clean)
    db.session.add(intent)
    db.session.flush()
    record_change(intent, actor, ChangeAction.CREATED)
    return intent


def update_intent(intent: Intent, actor: User, data: IntentInput, *, on: dt.date | None = None) -> list[dict]:
    """Edit a draft or announced intent; returns what changed.

    Followers hear of changed dates. After the tender notice is out, the intent is the record of
    what was announced and no longer changes.
    """
    _require_staff(intent, actor)
    if not intent.is_editable:
        raise Conflict(_("This planned tender can no longer be edited: the tender notice is out or it was withdrawn."))
    clean = clean_intent(data, buyer=intent.buyer, today=on or today(),
                         previous_dates=(intent.planned_notice_date, intent.contract_start_date))
    before = snapshot(intent)
    _apply(intent, clean)
    changes = diff(before, snapshot(intent))
    if not changes:
        return []
    if any(c["field"] == "partners" for c in changes) and not access.is_lead_staff(intent, actor):
        raise DialogueError(_("Only the staff of %(buyer)s, which leads this tender, change its partners.",
                              buyer=intent.buyer.name), field="partner_ids")
    intent.updated_at = utcnow()
    record_change(intent, actor, ChangeAction.EDITED, changes)
    audit_intent(actor, "intent.edit", f"Edited “{intent.title}”: {', '.join(c['field'] for c in changes)}", intent,
                 fields=[c["field"] for c in changes])
    if intent.status == IntentStatus.ANNOUNCED:
        date_changes = [c for c in changes if c["field"] in DATE_FIELDS]
        if date_changes:
            notify.dates_changed(intent, date_changes)
    return changes


# -- status -----------------------------------------------------------------------------------------------

def announce_intent(intent: Intent, actor: User, *, on: dt.date | None = None) -> Job:
    """Publish a draft. Its planned dates must still lie ahead; subscribers whose alerts match hear of it
    (from the task-queue worker: the job that tells them is returned)."""
    _require_lead(intent, actor)
    if intent.status != IntentStatus.DRAFT:
        raise Conflict(_("This planned tender is already public."))
    day = on or today()
    for name, value in (("planned_notice_date", intent.planned_notice_date),
                        ("contract_start_date", intent.contract_start_date)):
        if value is not None and value < day:
            raise DialogueError(_("A planned date has passed (%(date)s). Edit the planned tender and give the dates "
                                  "you now plan, then announce it.", date=value.isoformat()), field=name)
    intent.status = IntentStatus.ANNOUNCED
    intent.announced_at = utcnow()
    intent.updated_at = intent.announced_at
    record_change(intent, actor, ChangeAction.ANNOUNCED)
    audit_intent(actor, "intent.announce", f"Announced the planned tender “{intent.title}”", intent)
    return notify.announced(intent, actor)


def publish_tender(intent: Intent, actor: User, url: str) -> None:
    """The contract notice is out: link to it. Followers get the link."""
    _require_lead(intent, actor)
    if intent.status != IntentStatus.ANNOUNCED:
        raise Conflict(_("Only an announced planned tender can move on to a published tender."))
    message = _("Enter the full address of the contract notice, starting with https://.")
    url = clean_http_url(url, "tender_url", message=message)
    if url is None:
        raise DialogueError(message, field="tender_url")
    intent.status = IntentStatus.TENDER_PUBLISHED
    intent.tender_url = url
    intent.tender_published_at = utcnow()
    intent.updated_at = intent.tender_published_at
    record_change(intent, actor, ChangeAction.TENDER_PUBLISHED, [{"field": "tender_url", "old": None, "new": url}])
    audit_intent(actor, "intent.tender_published", f"Marked the tender of “{intent.title}” published: {url}", intent,
           tender_url=url)
    notify.status_changed(intent, ChangeAction.TENDER_PUBLISHED)


def mark_awarded(intent: Intent, actor: User, note: str | None = None) -> None:
    _require_lead(intent, actor)
    if intent.status not in (IntentStatus.ANNOUNCED, IntentStatus.TENDER_PUBLISHED):
        raise Conflict(_("Only an announced planned tender or a published tender can be marked awarded."))
    note = plain_text(note, name="note", max_length=2000) or None
    intent.status = IntentStatus.AWARDED
    intent.awarded_at = utcnow()
    intent.updated_at = intent.awarded_at
    record_change(intent, actor, ChangeAction.AWARDED, note=note)
    audit_intent(actor, "intent.awarded", f"Marked “{intent.title}” awarded" + (f": {note}" if note else ""), intent)


def withdraw_intent(intent: Intent, actor: User, reason: str) -> None:
    """Withdraw a public intent, with the reason published. Questions close; followers are told."""
    _require_lead(intent, actor)
    if intent.status not in (IntentStatus.ANNOUNCED, IntentStatus.TENDER_PUBLISHED):
        raise Conflict(_("Only an announced planned tender or a published tender can be withdrawn."))
    reason = plain_text(reason, name="reason", max_length=2000,
                        required=_("Say why the planned tender is withdrawn; suppliers who prepared need to know."))
    intent.status = IntentStatus.WITHDRAWN
    intent.withdrawn_at = utcnow()
    intent.withdrawal_reason = reason
    intent.updated_at = intent.withdrawn_at
    record_change(intent, actor, ChangeAction.WITHDRAWN, note=reason)
    audit_intent(actor, "intent.withdraw", f"Withdrew “{intent.title}”: {reason}", intent, reason=reason)
    notify.status_changed(intent, ChangeAction.WITHDRAWN)


def delete_draft(intent: Intent, actor: User) -> None:
    """A draft was never public, so it may go without a trace. A public intent is withdrawn instead."""
    _require_lead(intent, actor)
    if intent.status != IntentStatus.DRAFT:
        raise Conflict(_("A public planned tender stays on record: withdraw it instead."))
    # Not tied to the intent: its entries go with it, this one stays.
    audit_intent(actor, "intent.delete", f"Deleted the draft “{intent.title}”", None, intent_id=intent.id,
           buyer=intent.buyer.name)
    db.session.delete(intent)


# -- reading ----------------------------------------------------------------------------------------------

def intents_of(org_id: int) -> list[Intent]:
    """The organisation's own intents and the joint ones it is a partner of."""
    partner_of = select(IntentPartner.intent_id).where(IntentPartner.organisation_id == org_id)
    return list(db.session.scalars(
        select(Intent).options(joinedload(Intent.buyer))
        .where(or_(Intent.buyer_id == org_id, Intent.joint_procurement.is_(True) & Intent.id.in_(partner_of)))
        .order_by(Intent.updated_at.desc(), Intent.id.desc())))


def pending_question_counts(intent_ids: list[int]) -> dict[int, int]:
    from dialogue.models import IntentQuestion, QuestionStatus

    if not intent_ids:
        return {}
    return dict(db.session.execute(
        select(IntentQuestion.intent_id, func.count()).where(IntentQuestion.intent_id.in_(intent_ids),
                                                             IntentQuestion.status == QuestionStatus.PENDING)
        .group_by(IntentQuestion.intent_id)).all())
