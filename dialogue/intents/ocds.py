"""Intents as Open Contracting Data Standard 1.1.5 releases.

Each intent is one contracting process (``ocid`` = the configured prefix + the intent's id) in its
planning stage: ``tag`` planning (planningUpdate once the tender is out, awarded or withdrawn),
``tender.status`` planning or planned, the buyer in ``parties``, items with their CPV
classification, the budget, and engagement milestones for the dialogue events where it is presented
and for the planned contract notice. Links are built on BASE_URL so they are stable.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pycountry
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from dialogue.core.urls import on_base_url
from dialogue.extensions import db
from dialogue.intents import cpv
from dialogue.intents.criteria import criterion_title
from dialogue.models import (
    CriterionKind,
    EventIntent,
    HarmonisedCriterion,
    Intent,
    IntentCriterion,
    IntentPartner,
    IntentStatus,
    ProcedureType,
    QuestionStatus,
    utcnow,
)

LOTS_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json"

METHODS = {
    ProcedureType.OPEN: "open",
    ProcedureType.RESTRICTED: "selective",
    ProcedureType.COMPETITIVE_DIALOGUE: "selective",
    ProcedureType.NEGOTIATED: "selective",
    ProcedureType.DYNAMIC_PURCHASING_SYSTEM: "selective",
}
METHOD_DETAILS = {
    ProcedureType.OPEN: "Open procedure",
    ProcedureType.RESTRICTED: "Restricted procedure",
    ProcedureType.COMPETITIVE_DIALOGUE: "Competitive dialogue",
    ProcedureType.NEGOTIATED: "Competitive procedure with negotiation",
    ProcedureType.FRAMEWORK_AGREEMENT: "Framework agreement",
    ProcedureType.DYNAMIC_PURCHASING_SYSTEM: "Dynamic purchasing system",
}


def iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0, 0), tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def ocid(intent: Intent) -> str:
    return f"{current_app.config['OCID_PREFIX']}-intent-{intent.id}"


def party_id(org_id: int) -> str:
    return f"dialogue-org-{org_id}"


def tender_status(intent: Intent) -> str:
    return {IntentStatus.TENDER_PUBLISHED: "active", IntentStatus.AWARDED: "complete",
            IntentStatus.WITHDRAWN: "withdrawn"}.get(
        intent.status, "planned" if intent.planned_notice_date else "planning")


def category(code: str) -> str:
    division = int(code[:2])
    return "works" if division == 45 else ("goods" if division < 45 else "services")


def load(intent_ids: list[int]) -> list[Intent]:
    """Intents with everything a release shows, in a constant number of queries."""
    if not intent_ids:
        return []
    return list(db.session.scalars(
        select(Intent).where(Intent.id.in_(intent_ids))
        .options(joinedload(Intent.buyer), selectinload(Intent.items), selectinload(Intent.lots),
                 selectinload(Intent.additional_cpv),
                 selectinload(Intent.criteria).joinedload(IntentCriterion.harmonised).joinedload(HarmonisedCriterion.group),
                 selectinload(Intent.partners).joinedload(IntentPartner.organisation),
                 selectinload(Intent.event_links).joinedload(EventIntent.event),
                 selectinload(Intent.questions))
        .order_by(Intent.id)).unique())


def _organisation(org, roles: list[str], *, contact: dict | None = None) -> dict:
    party = {"id": party_id(org.id), "name": org.name, "roles": roles}
    country = pycountry.countries.get(alpha_2=org.country) if org.country else None
    if country is not None:
        party["address"] = {"countryName": country.name}
    if org.registration_number:
        party["identifier"] = {"id": org.registration_number, "legalName": org.name}
    if contact:
        party["contactPoint"] = contact
    return party


def _milestones(intent: Intent, now: dt.datetime) -> list[dict]:
    milestones = []
    for link in intent.event_links:
        event = link.event
        if not event.is_public:
            continue
        milestone = {"id": f"event-{event.id}", "title": event.title, "type": "engagement",
                     "description": f"Market dialogue event where the planned procurement is presented "
                                    f"({event.summary})" if event.summary else
                                    "Market dialogue event where the planned procurement is presented",
                     "dueDate": iso(event.starts_at), "dateModified": iso(event.updated_at)}
        if event.status.value == "cancelled":
            milestone["status"] = "notMet"
        elif event.ends_at <= now:
            milestone.update(status="met", dateMet=iso(event.ends_at))
        else:
            milestone["status"] = "scheduled"
        milestones.append(milestone)
    if intent.planned_notice_date:
        # The contract notice is the next point at which the buyer engages the market, so it is an
        # engagement milestone like the dialogue events; its code tells it apart.
        notice = {"id": "planned-notice", "title": "Publication of the contract notice", "type": "engagement",
                  "code": "plannedContractNotice", "dueDate": iso(intent.planned_notice_date),
                  "dateModified": iso(intent.updated_at)}
        if intent.tender_published_at:
            notice.update(status="met", dateMet=iso(intent.tender_published_at))
        elif intent.status == IntentStatus.WITHDRAWN:
            notice["status"] = "notMet"
        else:
            notice["status"] = "scheduled"
        milestones.append(notice)
    return milestones


def _items(intent: Intent, labels: dict[str, str]) -> list[dict]:
    def classification(code: str) -> dict:
        entry = {"scheme": "CPV", "id": code}
        if code in labels:
            entry["description"] = labels[code]
        return entry

    additional = [classification(c.code) for c in intent.additional_cpv]
    items = []
    for item in intent.items:
        entry = {"id": str(item.position + 1), "description": item.description,
                 "classification": classification(item.cpv)}
        if item.quantity is not None:
            entry["quantity"] = number(item.quantity)
        if item.unit:
            entry["unit"] = {"name": item.unit}
        if item.lot_number is not None:
            entry["relatedLot"] = f"lot-{item.lot_number}"
        items.append(entry)
    main_items = [entry for entry in items if entry["classification"]["id"] == intent.cpv_main]
    if main_items:
        if additional:
            main_items[0]["additionalClassifications"] = additional
    else:
        # The main code describes the whole purchase even when no item carries it.
        first = {"id": "main", "description": intent.title, "classification": classification(intent.cpv_main)}
        if additional:
            first["additionalClassifications"] = additional
        items.insert(0, first)
    return items


def _parties(intent: Intent) -> list[dict]:
    """The buyer, who also runs the procedure, then the partner buyers (with or without an account)."""
    contact = {k: v for k, v in (("name", intent.contact_name), ("email", intent.contact_email)) if v} or None
    parties = [_organisation(intent.buyer, ["buyer", "procuringEntity"], contact=contact)]
    for partner in intent.partners:
        if partner.organisation is not None:
            parties.append(_organisation(partner.organisation, ["buyer"]))
        else:
            parties.append({"id": f"dialogue-partner-{partner.id}", "name": partner.name, "roles": ["buyer"]})
    return parties


def _planning(intent: Intent, *, intent_url: str, now: dt.datetime) -> dict:
    planning: dict = {"documents": [{
        "id": "intent-page", "documentType": "plannedProcurementNotice",
        "title": f"Planned procurement: {intent.title}", "url": intent_url, "format": "text/html",
        "language": "en", "datePublished": iso(intent.announced_at), "dateModified": iso(intent.updated_at)}]}
    if intent.rationale:
        planning["rationale"] = intent.rationale
    if intent.estimated_value is not None:
        planning["budget"] = {"id": "estimate", "description": "Estimated value of the planned procurement",
                              "amount": {"amount": number(intent.estimated_value), "currency": intent.currency}}
    milestones = _milestones(intent, now)
    if milestones:
        planning["milestones"] = milestones
    return planning


def _harmonised_note(criterion) -> str:
    """Where the criterion comes from when a buyer group's library of harmonised criteria gave it."""
    found = criterion.harmonised
    if found is None:
        return ""
    return f" (harmonised with {found.group.name}, version {criterion.harmonised_version})"


def _criteria_by_kind(intent: Intent) -> dict[CriterionKind, list[str]]:
    """Each criterion as a line of text, grouped by kind; labels and the like lead with their name."""
    by_kind: dict[CriterionKind, list[str]] = {}
    for criterion in intent.criteria:
        by_kind.setdefault(criterion.kind, []).append(
            (f"{criterion_title(criterion)}: {criterion.text}".strip(": ") if criterion.kind in (
                CriterionKind.LABEL, CriterionKind.AFFILIATION, CriterionKind.CIRCULARITY) else criterion.text)
            + _harmonised_note(criterion))
    return by_kind


def _tender_description(intent: Intent, by_kind: dict[CriterionKind, list[str]]) -> str:
    """The intent's description followed by the criteria that OCDS has no field of their own for."""
    description = intent.description or ""
    stated = [(title, by_kind.get(kind)) for kind, title in (
        (CriterionKind.LABEL, "Labels or equivalent"), (CriterionKind.AFFILIATION, "Affiliation"),
        (CriterionKind.CIRCULARITY, "Circularity"), (CriterionKind.TECHNICAL_SPECIFICATION, "Technical specifications"),
        (CriterionKind.CONTRACT_PERFORMANCE, "Contract performance clauses"),
        (CriterionKind.HUMAN_RIGHTS_DUE_DILIGENCE, "Human-rights due diligence"))]
    stated = [f"{title}: " + "; ".join(texts) for title, texts in stated if texts]
    if stated:
        description = (description + "\n\n" if description else "") + "Intended criteria:\n" + \
            "\n".join(f"- {line}" for line in stated)
    return description


def _contract_period(intent: Intent) -> dict:
    contract_period = {}
    if intent.contract_start_date:
        contract_period["startDate"] = iso(intent.contract_start_date)
    if intent.contract_duration_months:
        contract_period["durationInDays"] = round(intent.contract_duration_months * 365.25 / 12)
    return contract_period


def _lots(intent: Intent) -> list[dict]:
    return [{"id": f"lot-{lot.number}", "title": lot.title, "description": lot.description or None,
             **({"value": {"amount": number(lot.estimated_value), "currency": intent.currency}}
                if lot.estimated_value is not None else {})}
            for lot in intent.lots]


def _tender(intent: Intent, *, the_ocid: str, buyer_ref: dict, labels: dict[str, str]) -> dict:
    tender: dict = {
        "id": f"{the_ocid}-tender", "title": intent.title, "status": tender_status(intent),
        "procuringEntity": buyer_ref, "items": _items(intent, labels),
        "mainProcurementCategory": category(intent.cpv_main),
        "hasEnquiries": any(q.status == QuestionStatus.ANSWERED for q in intent.questions),
    }
    by_kind = _criteria_by_kind(intent)
    description = _tender_description(intent, by_kind)
    if description:
        tender["description"] = description
    if intent.estimated_value is not None:
        tender["value"] = {"amount": number(intent.estimated_value), "currency": intent.currency}
    if intent.procedure_type:
        if intent.procedure_type in METHODS:
            tender["procurementMethod"] = METHODS[intent.procedure_type]
        tender["procurementMethodDetails"] = METHOD_DETAILS[intent.procedure_type]
    eligibility = by_kind.get(CriterionKind.SELECTION, []) + [f"Exclusion: {t}" for t in
                                                               by_kind.get(CriterionKind.EXCLUSION, [])]
    if eligibility:
        tender["eligibilityCriteria"] = "\n".join(eligibility)
    if by_kind.get(CriterionKind.AWARD):
        tender["awardCriteriaDetails"] = "\n".join(by_kind[CriterionKind.AWARD])
    if intent.planned_notice_date:
        tender["tenderPeriod"] = {"startDate": iso(intent.planned_notice_date)}
    contract_period = _contract_period(intent)
    if contract_period:
        tender["contractPeriod"] = contract_period
    if intent.tender_url:
        tender["documents"] = [{"id": "tender-notice", "documentType": "tenderNotice", "title": "Contract notice",
                                "url": intent.tender_url, "datePublished": iso(intent.tender_published_at)}]
    if intent.lots:
        tender["lots"] = _lots(intent)
    return tender


def release(intent: Intent, *, now: dt.datetime | None = None, labels: dict[str, str] | None = None,
            link=None) -> dict:
    """One release. A package passes the CPV labels and the link builder it made once for all."""
    if link is None:
        with on_base_url() as link:
            return release(intent, now=now, labels=labels, link=link)
    now = now or utcnow()
    the_ocid = ocid(intent)
    labels = cpv.labels(intent.all_cpv_codes) if labels is None else labels
    intent_url = link("intents.detail", intent_id=intent.id)
    buyer_ref = {"id": party_id(intent.buyer_id), "name": intent.buyer.name}
    return {
        "ocid": the_ocid,
        "id": f"{the_ocid}-{intent.revision}",
        "date": iso(intent.updated_at),
        "tag": ["planning"] if intent.status == IntentStatus.ANNOUNCED else ["planningUpdate"],
        "initiationType": "tender",
        "language": "en",
        "parties": _parties(intent),
        "buyer": buyer_ref,
        "planning": _planning(intent, intent_url=intent_url, now=now),
        "tender": _tender(intent, the_ocid=the_ocid, buyer_ref=buyer_ref, labels=labels),
    }


def package(intents: list[Intent], *, uri: str | None = None) -> dict:
    """A release package of the given intents (one release each)."""
    now = utcnow()
    labels = cpv.labels({code for intent in intents for code in intent.all_cpv_codes})
    with on_base_url() as link:
        releases = [release(intent, now=now, labels=labels, link=link) for intent in intents]
        uri = uri or link("intents.ocds_package")
    published = max((intent.updated_at for intent in intents), default=now)
    result = {
        "uri": uri,
        "version": "1.1",
        "publishedDate": iso(published),
        "publisher": {"name": "Dialogue", "uri": current_app.config["BASE_URL"].rstrip("/") + "/"},
        "releases": releases,
    }
    if any(intent.lots for intent in intents):
        result["extensions"] = [LOTS_EXTENSION]
    return result


def announced_intent_ids() -> list[int]:
    """Intents in the package: every one that was announced (a withdrawn or awarded one says so)."""
    return list(db.session.scalars(select(Intent.id).where(Intent.is_public)
                                   .order_by(Intent.id)))
