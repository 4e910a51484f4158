from __future__ import annotations

import pycountry
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms import (
    Form as RowForm,
)
from wtforms.validators import Length, Optional

from dialogue.core.countries import country_choices as countries
from dialogue.core.countries import country_name
from dialogue.core.forms import DateField, Form, IntegerField, MultiCheckboxField, choices
from dialogue.core.urls import HttpUrl
from dialogue.intents.browse import STATUS_FILTERS
from dialogue.intents.criteria import SLOTS, slot_for
from dialogue.intents.inputs import CriterionInput, IntentInput, ItemInput, LotInput
from dialogue.intents.validation import parse_code_list
from dialogue.models import EpeatTier, ProcedureType

# The currencies of the buyers on the platform first, then every ISO 4217 currency.
COMMON_CURRENCIES = ("EUR", "SEK", "NOK", "DKK", "GBP", "CHF", "ISK", "PLN", "CZK", "HUF", "RON")
BLANK_ROWS = 3
NUMBER_MESSAGE = _l("Enter a number, e.g. 20000 (no spaces or thousands separators).")
WHOLE_MESSAGE = _l("Enter a whole number.")
DATE_MESSAGE = _l("Enter a date as YYYY-MM-DD, e.g. 2027-03-01.")


def currency_choices():
    from flask_babel import get_locale

    locale = get_locale()
    # Names in the reader's language; English keeps the ISO 4217 names.
    local = locale.currencies if locale is not None and locale.language != "en" else {}
    known = {c.alpha_3: local.get(c.alpha_3, c.name) for c in pycountry.currencies}
    common = [(code, f"{code} – {known[code]}") for code in COMMON_CURRENCIES if code in known]
    rest = sorted((code, f"{code} – {name}") for code, name in known.items() if code not in COMMON_CURRENCIES)
    return choices([("", _l("Choose a currency"))] + common + rest)


def country_choices(blank_label):

    return choices([("", blank_label)] + countries())


class ItemForm(RowForm):
    cpv = StringField(_l("CPV code"), validators=[Optional(), Length(max=12)])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=500)])
    quantity = DecimalField(_l("Quantity"), validators=[Optional()], places=None, invalid_value_message=NUMBER_MESSAGE)
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=60)])
    lot_number = IntegerField(_l("Lot"), validators=[Optional()], invalid_value_message=WHOLE_MESSAGE)


class LotForm(RowForm):
    number = IntegerField(_l("Number"), validators=[Optional()], invalid_value_message=WHOLE_MESSAGE)
    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    estimated_value = DecimalField(_l("Estimated value"), validators=[Optional()], places=None,
                                   invalid_value_message=NUMBER_MESSAGE)


class IntentForm(Form):
    title = StringField(_l("Title"), validators=[Length(max=300)],
                        description=_l("What you plan to buy, e.g. ICT equipment for city staff 2027–2030."))
    description = TextAreaField(_l("Short description"), validators=[Length(max=20000)],
                                description=_l("Markdown: **bold**, lists and links. No HTML."))
    rationale = TextAreaField(_l("Why you buy (rationale)"), validators=[Length(max=5000)],
                              description=_l("Optional. The need behind the purchase and what you want to achieve."))
    cpv_main = StringField(_l("Main CPV code"), validators=[Length(max=12)],
                           description=_l("8 digits, a dash and a check digit, e.g. 30213100-6 (portable "
                                          "computers). Search the CPV list to find a code."))
    additional_cpv = TextAreaField(_l("Additional CPV codes"), validators=[Length(max=1000)],
                                   description=_l("Optional. One per line, or separated by commas."))
    estimated_value = DecimalField(_l("Estimated total value"), validators=[Optional()], places=None,
                                   invalid_value_message=NUMBER_MESSAGE, description=_l("Optional. Without tax."))
    currency = SelectField(_l("Currency"), validators=[Optional()])
    procedure_type = SelectField(_l("Procedure type"), validators=[Optional()])
    planned_notice_date = DateField(_l("Planned publication of the contract notice"), validators=[Optional()],
                                    format="%Y-%m-%d", invalid_value_message=DATE_MESSAGE,
                                    description=_l("Optional. When the tender is due to open."))
    contract_start_date = DateField(_l("Planned contract start"), validators=[Optional()], format="%Y-%m-%d",
                                    invalid_value_message=DATE_MESSAGE)
    contract_duration_months = IntegerField(_l("Contract duration in months"), validators=[Optional()],
                                            invalid_value_message=WHOLE_MESSAGE)
    place_country = SelectField(_l("Place of performance: country"), validators=[Optional()])
    place_nuts = StringField(_l("Place of performance: NUTS code"), validators=[Optional(), Length(max=5)],
                             description=_l("Optional, e.g. FI1B1 for Helsinki-Uusimaa."))
    partner_ids = MultiCheckboxField(_l("Joint procurement with buyers on Dialogue"), validators=[Optional()])
    partner_names = TextAreaField(_l("Other joint procurement partners"), validators=[Length(max=4000)],
                                  description=_l("Optional. Buyers not on Dialogue, one per line."))
    contact_name = StringField(_l("Contact point: name"), validators=[Optional(), Length(max=200)])
    contact_email = StringField(_l("Contact point: email"), validators=[Optional(), Length(max=254)],
                                description=_l("Optional. New questions are announced to this address."))
    items = FieldList(FormField(ItemForm), min_entries=0)
    lots = FieldList(FormField(LotForm), min_entries=0)

    def set_choices(self, partner_orgs) -> None:
        self.currency.choices = currency_choices()
        self.procedure_type.choices = choices([("", _l("Not decided yet"))] +
                                              [(p.value, p.label) for p in ProcedureType])
        self.place_country.choices = country_choices(_l("Choose a country"))
        self.partner_ids.choices = choices((org.id, org.name) for org in partner_orgs)
        self.epeat_tier.choices = choices([("", _l("Any tier"))]
                                          + [(t.value, t.label) for t in EpeatTier])

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) for every error, rows included, for the summary at the top of the form."""
        found = [("", message) for message in self.form_errors]
        for field in self:
            entries = getattr(field, "entries", None)
            if entries is not None:
                for entry in entries:
                    for sub in entry.form:
                        found.extend((sub.id, message) for message in sub.errors)
            else:
                found.extend((field.id, message) for message in field.errors)
        return found

    def pad_rows(self) -> None:
        """Room for new rows: blank rows are ignored when saved."""
        for _ in range(BLANK_ROWS):
            self.items.append_entry()
        for _ in range(2):
            self.lots.append_entry()

    def criteria_fields(self):
        """(slot, tick field or None, text field, extra fields) in display order."""
        rows = []
        for slot in SLOTS:
            extra = []
            if slot.key == "epeat":
                extra.append(self.epeat_tier)
            if slot.key == "other_label":
                extra.append(self.other_label_name)
            rows.append((slot, getattr(self, slot.key) if slot.ticked else None,
                         getattr(self, f"{slot.key}_text"), extra))
        return rows

    def fill_criteria(self, intent) -> None:

        for criterion in intent.criteria:
            slot = slot_for(criterion.kind, criterion.subject)
            if slot is None:
                continue
            if slot.ticked:
                getattr(self, slot.key).data = True
            getattr(self, f"{slot.key}_text").data = criterion.text
            if slot.key == "epeat":
                self.epeat_tier.data = criterion.tier.value if criterion.tier else ""
            if slot.key == "other_label":
                self.other_label_name.data = criterion.name

    def to_input(self) -> IntentInput:
        criteria = []
        for slot in SLOTS:
            criteria.append(CriterionInput(
                key=slot.key, ticked=bool(getattr(self, slot.key).data) if slot.ticked else False,
                text=getattr(self, f"{slot.key}_text").data or "",
                tier=self.epeat_tier.data if slot.key == "epeat" else None,
                name=self.other_label_name.data or "" if slot.key == "other_label" else ""))
        return IntentInput(
            title=self.title.data or "", description=self.description.data or "",
            rationale=self.rationale.data or "", cpv_main=self.cpv_main.data or "",
            additional_cpv=parse_code_list(self.additional_cpv.data),
            items=[ItemInput(cpv=row.form.cpv.data or "", description=row.form.description.data or "",
                             quantity=row.form.quantity.data, unit=row.form.unit.data or "",
                             lot_number=row.form.lot_number.data)
                   for row in self.items],
            lots=[LotInput(number=row.form.number.data, title=row.form.title.data or "",
                           description=row.form.description.data or "",
                           estimated_value=row.form.estimated_value.data)
                  for row in self.lots],
            criteria=criteria, estimated_value=self.estimated_value.data, currency=self.currency.data or None,
            procedure_type=self.procedure_type.data or None, planned_notice_date=self.planned_notice_date.data,
            contract_start_date=self.contract_start_date.data,
            contract_duration_months=self.contract_duration_months.data,
            place_country=self.place_country.data or None, place_nuts=self.place_nuts.data or None,
            partner_ids=[int(i) for i in (self.partner_ids.data or []) if str(i).isdigit()],
            partner_names=(self.partner_names.data or "").splitlines(),
            contact_name=self.contact_name.data, contact_email=self.contact_email.data)


# The criteria fields: a tick box for labels, the affiliation and circularity, and a short text for each.
for _slot in SLOTS:
    if _slot.ticked:
        setattr(IntentForm, _slot.key, BooleanField(_slot.label))
    setattr(IntentForm, f"{_slot.key}_text",
            TextAreaField(_l("%(label)s: details", label=_slot.label) if _slot.ticked else _slot.label,
                          validators=[Length(max=2000)],
                          description=_slot.hint))
IntentForm.epeat_tier = SelectField(_l("EPEAT tier"), validators=[Optional()])
IntentForm.other_label_name = StringField(_l("Name of the label"), validators=[Optional(), Length(max=200)])


class TenderPublishedForm(Form):
    tender_url = URLField(_l("Address of the contract notice"), validators=[HttpUrl(message=_l(
        "Enter the full address of the contract notice, starting with https://."))],
                          description=_l("E.g. the notice on TED or your national portal."))


class WithdrawForm(Form):
    reason = TextAreaField(_l("Why is the planned tender withdrawn?"), validators=[Length(max=2000)],
                           description=_l("Published with the planned tender: suppliers who prepared need to know."))


class AwardedForm(Form):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)],
                         description=_l("Optional, e.g. where the award notice is published."))


class LinkEventForm(Form):
    event_id = SelectField(_l("Event"))


class LinkIntentForm(Form):
    intent_id = SelectField(_l("Planned tender"))


class AskForm(Form):
    text = TextAreaField(_l("Your question"), validators=[Length(max=2000)],
                         description=_l("Plain text. The question and its answer are published to everyone."))
    show_organisation = BooleanField(_l("Show my organisation's name with the published question"),
                                     description=_l("Off by default: the question is then shown as asked by a "
                                                    "supplier or reseller."))


class AnswerForm(Form):
    public_text = TextAreaField(_l("Question as published"), validators=[Length(max=2000)],
                                description=_l("You may reword it, e.g. to remove what identifies the asker. "
                                               "The original wording is kept for the record."))
    answer = TextAreaField(_l("Answer"), validators=[Length(max=10000)],
                           description=_l("Plain text. Published to everyone with the question and mailed to "
                                          "every follower of the planned tender."))


class MergeForm(Form):
    target_id = SelectField(_l("Duplicate of"))


class AlertForm(Form):
    cpv_prefix = StringField(_l("CPV code or prefix"), validators=[Optional(), Length(max=12)],
                             description=_l("E.g. 302 for all computer equipment, 32250000-0 for mobile phones."))
    buyer_id = SelectField(_l("Buyer"), validators=[Optional()])


class FilterForm(RowForm):
    """The list's filters, read from the query string (a GET form: no CSRF token)."""

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200)])
    division = SelectField(_l("CPV division"), validators=[Optional()])
    cpv = StringField(_l("CPV code or prefix"), validators=[Optional(), Length(max=12)],
                      description=_l("E.g. 302 or 30213100-6."))
    buyer = SelectField(_l("Buyer"), validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])
    planned_from = DateField(_l("Contract notice planned from"), validators=[Optional()], format="%Y-%m-%d",
                             invalid_value_message=DATE_MESSAGE)
    planned_to = DateField(_l("Contract notice planned until"), validators=[Optional()], format="%Y-%m-%d",
                           invalid_value_message=DATE_MESSAGE)
    criterion = SelectField(_l("Intended criterion"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])

    STATUS_LABELS = {"announced": _l("Announced"), "tender_published": _l("Tender published"),
                     "awarded": _l("Awarded"), "withdrawn": _l("Withdrawn"), "public": _l("All")}

    def set_choices(self, divisions, buyers, countries) -> None:
        self.division.choices = choices([("", _l("Any division"))] +
                                        [(d.code[:2], f"{d.code[:2]} – {d.label}") for d in divisions])
        self.buyer.choices = choices([("", _l("Any buyer"))] + [(b.id, b.name) for b in buyers])

        self.country.choices = choices([("", _l("Any country"))] + [(c, country_name(c)) for c in countries])
        self.criterion.choices = choices([("", _l("Any"))] + [(s.key, s.label) for s in SLOTS])
        self.status.choices = choices((key, self.STATUS_LABELS[key]) for key in STATUS_FILTERS)


