"""How intents read on pages and in mail: labels of statuses, fields and actions, money and dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import format_currency, format_date, format_decimal
from flask_babel import lazy_gettext as _l

from dialogue.core.countries import country_name as name
from dialogue.intents import bp
from dialogue.intents.criteria import criterion_title
from dialogue.intents.links import links_of_event
from dialogue.models import ChangeAction, CriterionKind, IntentStatus, ProcedureType, QuestionStatus

FIELD_LABELS = {
    "title": _l("Title"),
    "description": _l("Description"),
    "rationale": _l("Rationale"),
    "cpv_main": _l("Main CPV code"),
    "additional_cpv": _l("Additional CPV codes"),
    "items": _l("Items"),
    "lots": _l("Lots"),
    "criteria": _l("Intended criteria"),
    "estimated_value": _l("Estimated value"),
    "procedure_type": _l("Procedure type"),
    "planned_notice_date": _l("Planned contract notice"),
    "contract_start_date": _l("Planned contract start"),
    "contract_duration_months": _l("Contract duration (months)"),
    "place": _l("Place of performance"),
    "partners": _l("Joint procurement partners"),
    "contact": _l("Contact point"),
    "tender_url": _l("Contract notice"),
    "event": _l("Event"),
    "question": _l("Question"),
}
CRITERIA_ORDER = (CriterionKind.LABEL, CriterionKind.AFFILIATION, CriterionKind.CIRCULARITY, CriterionKind.SELECTION,
                  CriterionKind.EXCLUSION, CriterionKind.TECHNICAL_SPECIFICATION, CriterionKind.AWARD,
                  CriterionKind.CONTRACT_PERFORMANCE, CriterionKind.HUMAN_RIGHTS_DUE_DILIGENCE)


def grouped_criteria(criteria) -> list[tuple[str, list]]:
    groups = []
    for kind in CRITERIA_ORDER:
        members = [c for c in criteria if c.kind == kind]
        if members:
            groups.append((kind.label, members))
    return groups


@bp.app_template_filter("intent_money")
def money(value: Decimal | None, currency: str | None) -> str:
    if value is None:
        return ""
    if not currency:
        return format_decimal(value)
    return format_currency(value, currency, format="¤#,##0", currency_digits=False) \
        if value == value.to_integral_value() else format_currency(value, currency)


@bp.app_template_filter("intent_quantity")
def quantity(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(value.normalize() if value == value.to_integral_value() else value)


@bp.app_template_filter("intent_day")
def day(value: dt.date | None) -> str:
    return format_date(value, "long") if value else ""


@bp.app_template_filter("intent_criterion_title")
def criterion_title_filter(criterion) -> str:
    return criterion_title(criterion)


@bp.app_template_global("country_name")
def country_name(code: str | None) -> str:

    return name(code)


@bp.app_context_processor
def intent_display():
    return {"intent_status_labels": IntentStatus.labels(), "question_status_labels": QuestionStatus.labels(),
            "change_action_labels": ChangeAction.labels(), "change_field_labels": FIELD_LABELS,
            "procedure_labels": ProcedureType.labels(), "criterion_title": criterion_title,
            "grouped_criteria": grouped_criteria}


@bp.app_context_processor
def intent_helpers():
    def event_intents(event):
        """The public intents presented at the event, in one query."""

        return [link.intent for link in links_of_event(event)]

    return {"event_intents": event_intents}
