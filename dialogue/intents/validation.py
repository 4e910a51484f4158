"""What an intent must be before it is stored: every field checked, every problem reported at once.

The services call ``clean_intent`` and store nothing when it raises, so a bad value never
leaves an intent half-written. Errors are keyed by the form field they concern
(``items-0-quantity`` is the quantity of the first item row).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import pycountry
from flask_babel import gettext as _
from sqlalchemy import select

from dialogue.core.errors import DialogueError
from dialogue.core.timeutil import is_timezone
from dialogue.extensions import db
from dialogue.intents import cpv
from dialogue.intents.criteria import SLOTS_BY_KEY
from dialogue.intents.inputs import Clean, CriterionInput, IntentInput, ItemInput, LotInput
from dialogue.models import EpeatTier, Organisation, OrganisationKind, ProcedureType

# Tags, comments and script URLs. Plain "<" and ">" (as in "weight < 1.5 kg") are fine.
MARKUP_RE = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|<!--|\b(?:javascript|vbscript)\s*:|data\s*:\s*text/html",
                       re.IGNORECASE)
NUTS_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")
# NUTS uses EL for Greece and UK for the United Kingdom.
NUTS_COUNTRY = {"GR": "EL", "GB": "UK"}
MAX_VALUE = Decimal("99999999999999.99")
MAX_QUANTITY = Decimal("999999999999.99")


class InvalidInput(DialogueError):
    """Several fields are wrong; ``errors`` maps each field name to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        first_field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field=first_field)
        self.errors = errors


class Errors(dict):
    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise InvalidInput(dict(self))


def has_markup(text: str | None) -> bool:
    return bool(text) and MARKUP_RE.search(text) is not None


def check_text(errors: Errors, name: str, value: str | None, *, required: str | None = None,
               max_length: int | None = None, markdown: bool = False) -> str:
    """Trim a text, and report it when missing, too long or carrying HTML or a script link."""
    text = (value or "").strip()
    if not text:
        if required:
            errors.add(name, required)
        return ""
    if has_markup(text):
        errors.add(name, _("Remove the HTML (text between < and >) and any script link: use Markdown for "
                           "formatting, e.g. **bold**, lists and links.") if markdown else
                   _("Remove the HTML (text between < and >) and any script link: this field takes plain text."))
    if max_length and len(text) > max_length:
        errors.add(name, _("Use at most %(n)s characters (this has %(m)s).", n=max_length, m=len(text)))
    return text


def plain_text(value: str | None, *, name: str, required: str | None = None, max_length: int | None = None,
               markdown: bool = False) -> str:
    """The same check for one field alone; raises with the message for the field."""
    errors = Errors()
    text = check_text(errors, name, value, required=required, max_length=max_length, markdown=markdown)
    errors.raise_if_any()
    return text


def check_amount(errors: Errors, name: str, value, *, what: str, positive: bool = False,
                 maximum: Decimal = MAX_VALUE) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        errors.add(name, _("Enter %(what)s as a number, e.g. 20000.", what=what))
        return None
    if not amount.is_finite():
        errors.add(name, _("Enter %(what)s as a number, e.g. 20000.", what=what))
        return None
    if amount < 0:
        errors.add(name, _("%(what)s cannot be negative.", what=what.capitalize()))
        return None
    if positive and amount == 0:
        errors.add(name, _("%(what)s must be greater than zero.", what=what.capitalize()))
        return None
    if amount > maximum:
        errors.add(name, _("%(what)s is too large.", what=what.capitalize()))
        return None
    return amount.quantize(Decimal("0.01"))


def check_currency(code: str | None) -> str | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return code if pycountry.currencies.get(alpha_3=code) is not None else ""


def check_country(code: str | None) -> str | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return code if pycountry.countries.get(alpha_2=code) is not None else ""


def parse_code_list(raw) -> list[str]:
    """Codes typed one per line, or separated by commas, semicolons or spaces."""
    if isinstance(raw, (list, tuple)):
        parts = raw
    else:
        parts = re.split(r"[\s,;]+", raw or "")
    return [p.strip() for p in parts if p and p.strip()]


def _cpv(errors: Errors, name: str, raw: str) -> str | None:
    try:
        return cpv.normalise_code(raw, field=name)
    except DialogueError as exc:
        errors.add(name, exc.message)
        return None


def _check_cpv_codes(errors: Errors, data: IntentInput) -> tuple[str | None, list[str]]:
    """The main code and the additional ones, without repeats or the main code again."""
    cpv_main = _cpv(errors, "cpv_main", data.cpv_main) if (data.cpv_main or "").strip() else None
    if not (data.cpv_main or "").strip():
        errors.add("cpv_main", _("Enter the main CPV code, e.g. 30213100-6 for portable computers."))
    additional = []
    for raw in parse_code_list(data.additional_cpv):
        code = _cpv(errors, "additional_cpv", raw)
        if code and code != cpv_main and code not in additional:
            additional.append(code)
    if len(additional) > 50:
        errors.add("additional_cpv", _("Give at most 50 additional codes."))
    return cpv_main, additional


def _check_lots(errors: Errors, lots_input: list[LotInput]) -> tuple[list[dict], set[int]]:
    """The filled-in lots, and the numbers that items may refer to."""
    lots, lot_numbers = [], set()
    for index, lot in enumerate(lots_input):
        if lot.is_blank():
            continue
        prefix = f"lots-{index}-"
        number = lot.number
        if number is None or number < 1:
            errors.add(prefix + "number", _("Give the lot a number of 1 or more."))
        elif number in lot_numbers:
            errors.add(prefix + "number", _("Lot %(n)s is listed twice.", n=number))
        else:
            lot_numbers.add(number)
        lots.append({
            "number": number,
            "title": check_text(errors, prefix + "title", lot.title, required=_("Give the lot a title."),
                                max_length=300),
            "description": check_text(errors, prefix + "description", lot.description, max_length=5000,
                                      markdown=True),
            "estimated_value": check_amount(errors, prefix + "estimated_value", lot.estimated_value,
                                            what=_("the lot's estimated value")),
        })
    return lots, lot_numbers


def _check_items(errors: Errors, items_input: list[ItemInput], *, cpv_main: str | None,
                 lot_numbers: set[int]) -> list[dict]:
    """The filled-in item rows; an item without a code takes the main one."""
    items = []
    for index, item in enumerate(items_input):
        if item.is_blank():
            continue
        prefix = f"items-{index}-"
        code = _cpv(errors, prefix + "cpv", item.cpv) if (item.cpv or "").strip() else cpv_main
        if item.lot_number is not None and item.lot_number not in lot_numbers:
            errors.add(prefix + "lot_number", _("There is no lot %(n)s: add it under Lots, or leave this empty.",
                                                n=item.lot_number))
        items.append({
            "cpv": code,
            "description": check_text(errors, prefix + "description", item.description,
                                      required=_("Describe the item, e.g. Laptops for office staff."),
                                      max_length=500),
            "quantity": check_amount(errors, prefix + "quantity", item.quantity, what=_("the quantity"),
                                     positive=True, maximum=MAX_QUANTITY),
            "unit": check_text(errors, prefix + "unit", item.unit, max_length=60) or None,
            "lot_number": item.lot_number,
        })
    return items


def _check_criterion(errors: Errors, entry: CriterionInput, position: int) -> dict | None:
    """One criterion, or None when its slot is unknown or it was left out."""
    slot = SLOTS_BY_KEY.get(entry.key)
    if slot is None:
        return None
    text = check_text(errors, f"{slot.key}_text", entry.text, max_length=2000)
    name = check_text(errors, "other_label_name", entry.name, max_length=200) if slot.key == "other_label" \
        else None
    present = (entry.ticked or bool(name)) if slot.ticked else bool(text)
    if slot.key == "other_label" and entry.ticked and not name:
        errors.add("other_label_name", _("Name the other label."))
    if not present:
        return None
    tier = None
    if slot.key == "epeat" and entry.tier:
        if entry.tier not in EpeatTier.__members__.values():
            errors.add("epeat_tier", _("Choose Bronze, Silver or Gold."))
        else:
            tier = EpeatTier(entry.tier)
    return {"kind": slot.kind, "subject": slot.subject, "tier": tier, "name": name or None,
            "text": text, "position": position}


def _check_criteria(errors: Errors, criteria_input: list[CriterionInput]) -> list[dict]:
    criteria = []
    for position, entry in enumerate(criteria_input):
        criterion = _check_criterion(errors, entry, position)
        if criterion is not None:
            criteria.append(criterion)
    return criteria


def _check_value(errors: Errors, data: IntentInput, lots: list[dict]) -> tuple[Decimal | None, str | None]:
    """The estimated value and its currency, which any value (of the whole or of a lot) needs."""
    estimated_value = check_amount(errors, "estimated_value", data.estimated_value, what=_("the estimated value"))
    currency = check_currency(data.currency)
    if currency == "":
        errors.add("currency", _("Choose a currency from the list (ISO 4217, e.g. EUR)."))
    elif estimated_value is not None and currency is None:
        errors.add("currency", _("Choose the currency of the estimated value."))
    elif any(lot["estimated_value"] is not None for lot in lots) and currency is None:
        errors.add("currency", _("Choose the currency of the lots' estimated values."))
    return estimated_value, currency


def _check_procedure(errors: Errors, procedure_type: str | None) -> ProcedureType | None:
    procedure = None
    if procedure_type:
        try:
            procedure = ProcedureType(procedure_type)
        except ValueError:
            errors.add("procedure_type", _("Choose a procedure from the list."))
    return procedure


def _check_timeline(errors: Errors, data: IntentInput, *, today: dt.date,
                    previous_dates: tuple[dt.date | None, dt.date | None] | None) -> int | None:
    """Report past or out-of-order dates; returns the contract duration in months."""
    previous_notice, previous_start = previous_dates or (None, None)
    for name, value, previous in (("planned_notice_date", data.planned_notice_date, previous_notice),
                                  ("contract_start_date", data.contract_start_date, previous_start)):
        if value is not None and value < today and value != previous:
            errors.add(name, _("This date is in the past. Give the date you now plan."))
    if data.planned_notice_date and data.contract_start_date and \
            data.contract_start_date < data.planned_notice_date:
        errors.add("contract_start_date", _("The contract cannot start before the contract notice is published."))

    duration = data.contract_duration_months
    if duration is not None and not 1 <= duration <= 600:
        errors.add("contract_duration_months", _("Give the duration in months, from 1 to 600."))
    return duration


def _check_place(errors: Errors, data: IntentInput) -> tuple[str | None, str | None]:
    """The country and the NUTS code, which must lie in that country."""
    country = check_country(data.place_country)
    if country == "":
        errors.add("place_country", _("Choose a country from the list."))
    nuts = (data.place_nuts or "").strip().upper() or None
    if nuts:
        if not NUTS_RE.fullmatch(nuts):
            errors.add("place_nuts", _("A NUTS code is 2 letters and up to 3 letters or digits, e.g. FI1B1."))
        elif country and nuts[:2] != NUTS_COUNTRY.get(country, country):
            errors.add("place_nuts", _("This NUTS code is not in the country chosen (it should start with "
                                       "%(prefix)s).", prefix=NUTS_COUNTRY.get(country, country)))
    return country, nuts


def _check_partners(errors: Errors, data: IntentInput, buyer: Organisation) -> list[tuple[Organisation | None, str]]:
    """Partner buyers chosen from the list, then those named who are not on it."""
    partners: list[tuple[Organisation | None, str]] = []
    ids = list(dict.fromkeys(int(i) for i in data.partner_ids))
    if ids:
        found = {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))}
        for org_id in ids:
            org = found.get(org_id)
            if org is None or org.kind != OrganisationKind.PUBLIC_BUYER or org.id == buyer.id:
                errors.add("partner_ids", _("Choose partners among the other public buyers listed."))
                break
            partners.append((org, org.name))
    names = data.partner_names if isinstance(data.partner_names, list) else (data.partner_names or "").splitlines()
    known = {name.lower() for _org, name in partners}
    for raw in names:
        name = check_text(errors, "partner_names", raw, max_length=200)
        if name and name.lower() not in known:
            known.add(name.lower())
            partners.append((None, name))
    return partners


def _check_contact(errors: Errors, data: IntentInput) -> tuple[str | None, str | None]:
    contact_name = check_text(errors, "contact_name", data.contact_name, max_length=200) or None
    contact_email = (data.contact_email or "").strip() or None
    if contact_email:
        from email_validator import EmailNotValidError, validate_email

        try:
            contact_email = validate_email(contact_email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors.add("contact_email", _("Enter an email address like name@example.org."))
    return contact_name, contact_email


def clean_intent(data: IntentInput, *, buyer: Organisation, today: dt.date,
                 previous_dates: tuple[dt.date | None, dt.date | None] | None = None) -> Clean:
    """Check every field. ``previous_dates`` are the stored planned dates of an existing intent.

    A new intent may not plan anything in the past. An existing one may keep a date that has
    since passed (the record stays true), but a changed date must not lie in the past.
    """
    # The checks run in form order: the first error reported is the first field on the form.
    errors = Errors()
    title = check_text(errors, "title", data.title, required=_("Enter a title."), max_length=300)
    description = check_text(errors, "description", data.description, max_length=20000, markdown=True)
    rationale = check_text(errors, "rationale", data.rationale, max_length=5000, markdown=True)
    cpv_main, additional = _check_cpv_codes(errors, data)
    lots, lot_numbers = _check_lots(errors, data.lots)
    items = _check_items(errors, data.items, cpv_main=cpv_main, lot_numbers=lot_numbers)
    criteria = _check_criteria(errors, data.criteria)
    estimated_value, currency = _check_value(errors, data, lots)
    procedure = _check_procedure(errors, data.procedure_type)
    duration = _check_timeline(errors, data, today=today, previous_dates=previous_dates)
    country, nuts = _check_place(errors, data)
    partners = _check_partners(errors, data, buyer)
    contact_name, contact_email = _check_contact(errors, data)
    zone = data.timezone if data.timezone and is_timezone(data.timezone) else None
    errors.raise_if_any()
    return Clean(title=title, description=description, rationale=rationale, cpv_main=cpv_main,
                 additional_cpv=additional, items=items, lots=lots, criteria=criteria,
                 estimated_value=estimated_value, currency=currency, procedure_type=procedure,
                 planned_notice_date=data.planned_notice_date, contract_start_date=data.contract_start_date,
                 contract_duration_months=duration, place_country=country, place_nuts=nuts, partners=partners,
                 contact_name=contact_name, contact_email=contact_email, timezone=zone)
