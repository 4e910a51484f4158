"""The buyer's pages: create and edit intents, change their status, link them to events."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from dialogue.core.actions import attach_errors, child_or_404, page_views, perform
from dialogue.core.forms import ButtonForm, choices
from dialogue.core.timeutil import format_local
from dialogue.events.access import organiser_event_or_404
from dialogue.events.queries import public_buyers
from dialogue.extensions import db
from dialogue.intents import access, bp, links, notify, services, validation
from dialogue.intents.forms import (
    AwardedForm,
    IntentForm,
    LinkEventForm,
    LinkIntentForm,
    TenderPublishedForm,
    WithdrawForm,
)
from dialogue.intents.routes import detail_options, staff_intent_or_404
from dialogue.models import Event, EventIntent, Intent, Organisation

# The currency a buyer of each country most likely uses; EUR elsewhere.
COUNTRY_CURRENCY = {"SE": "SEK", "NO": "NOK", "DK": "DKK", "GB": "GBP", "CH": "CHF", "IS": "ISK", "PL": "PLN",
                    "CZ": "CZK", "HU": "HUF", "RO": "RON"}


def _partner_choices(buyer_id: int) -> list[Organisation]:
    return [org for org in public_buyers() if org.id != buyer_id]


def _semantic_errors(form: IntentForm, buyer, previous_dates=None) -> None:
    """When the form already has errors, also show the rules' messages for the other fields at once."""
    try:
        validation.clean_intent(form.to_input(), buyer=buyer, today=services.today(),
                                previous_dates=previous_dates)
    except validation.InvalidInput as exc:
        attach_errors(form, {name: msgs for name, msgs in exc.errors.items()
                             if name not in {f.name for f in form if f.errors}})
    db.session.rollback()


@bp.get("/intents/mine")
@login_required
def mine():
    org = current_user.organisation
    if org is None or not org.is_public_buyer:
        abort(403, _("Only staff of a public-buyer organisation announce planned tenders."))
    intents = services.intents_of(org.id)
    pending = services.pending_question_counts([i.id for i in intents])
    return render_template("intents/mine.html", intents=intents, pending=pending, org=org)


@bp.route("/intents/new", methods=["GET", "POST"])
@login_required
def create():
    access.require_intent_creator(current_user)
    buyer = current_user.organisation
    form = IntentForm()
    form.set_choices(_partner_choices(buyer.id))
    if request.method == "GET":
        form.place_country.data = buyer.country
        form.currency.data = COUNTRY_CURRENCY.get(buyer.country, "EUR")
        form.contact_name.data = current_user.name
        form.contact_email.data = current_user.email
        form.pad_rows()
        return render_template("intents/form.html", form=form, intent=None)
    return _save(form, intent=None, buyer=buyer,
                 action=lambda: services.create_intent(current_user, form.to_input()),
                 to=lambda intent: url_for("intents.detail", intent_id=intent.id),
                 success=_("The draft is saved. Check it, then announce it to make it public."))


def _save(form: IntentForm, *, intent: Intent | None, buyer: Organisation, previous_dates=None, **answer):
    """Create or edit: the rules of a whole intent answer with a message for each field at once."""
    return perform(answer.pop("action"), form=form,
                   page=lambda: render_template("intents/form.html", form=form, intent=intent),
                   invalid=lambda: _semantic_errors(form, buyer, previous_dates), **answer)


def _plain(value):
    """20000.00 shown as 20000, so that the field reads as it was typed."""
    return None if value is None else format(value.normalize(), "f")


def _fill(form: IntentForm, intent: Intent) -> None:
    form.process(obj=intent)
    form.estimated_value.data = _plain(intent.estimated_value)
    form.set_choices(_partner_choices(intent.buyer_id))
    form.additional_cpv.data = "\n".join(c.code for c in intent.additional_cpv)
    form.partner_ids.data = [str(p.organisation_id) for p in intent.partners if p.organisation_id]
    form.partner_names.data = "\n".join(p.name for p in intent.partners if p.organisation_id is None)
    form.procedure_type.data = intent.procedure_type.value if intent.procedure_type else ""
    form.currency.data = intent.currency or ""
    form.place_country.data = intent.place_country or ""
    while form.items.entries:
        form.items.pop_entry()
    for item in intent.items:
        form.items.append_entry({"cpv": item.cpv, "description": item.description, "quantity": _plain(item.quantity),
                                 "unit": item.unit, "lot_number": item.lot_number})
    while form.lots.entries:
        form.lots.pop_entry()
    for lot in intent.lots:
        form.lots.append_entry({"number": lot.number, "title": lot.title, "description": lot.description,
                                "estimated_value": _plain(lot.estimated_value)})
    form.fill_criteria(intent)
    form.pad_rows()


@bp.route("/intents/<int:intent_id>/edit", methods=["GET", "POST"])
@login_required
def edit(intent_id: int):
    intent = access.get_intent_or_404(intent_id, current_user, *detail_options())
    access.require_buyer_staff(intent, current_user)
    if not intent.is_editable:
        flash(_("This planned tender can no longer be edited: the tender notice is out or it was withdrawn."), "error")
        return redirect(url_for("intents.detail", intent_id=intent.id), 303)
    if request.method == "GET":
        form = IntentForm(formdata=None)
        _fill(form, intent)
        return render_template("intents/form.html", form=form, intent=intent)
    form = IntentForm()
    form.set_choices(_partner_choices(intent.buyer_id))
    previous = (intent.planned_notice_date, intent.contract_start_date)
    return _save(form, intent=intent, buyer=intent.buyer, previous_dates=previous,
                 action=lambda: services.update_intent(intent, current_user, form.to_input()),
                 to=url_for("intents.detail", intent_id=intent.id),
                 success=lambda changes: (_("Saved."), "success") if changes else (_("Nothing was changed."), "info"))


def _manage_page(intent: Intent, **forms) -> str:
    defaults = {"tender_form": TenderPublishedForm(formdata=None), "withdraw_form": WithdrawForm(formdata=None),
                "awarded_form": AwardedForm(formdata=None), "link_form": LinkEventForm(formdata=None)}
    defaults.update(forms)
    events = links.linkable_events(intent, current_user)
    defaults["link_form"].event_id.choices = choices(
        (e.id, f"{e.title} – {format_local(e.starts_at, e.timezone, '%d %b %Y')}") for e in events)
    return render_template("intents/manage.html", intent=intent, links=links.links_of_intent(intent),
                           announcement=notify.latest_announcement(intent),
                           button=ButtonForm(), has_events=bool(events),
                           lead=access.is_lead_staff(intent, current_user), **defaults)


@bp.get("/intents/<int:intent_id>/manage")
@login_required
def manage(intent_id: int):
    return _manage_page(staff_intent_or_404(intent_id))


# The buyer's actions on one intent.
# endpoint: (path, where to go, form, the change, message, the form's name on the manage page, the row removed)
page_views(bp, "/intents/<int:intent_id>/{path}", {
    "announce": ("announce", "intents.detail", ButtonForm,
                 lambda intent, _form, _item: services.announce_intent(intent, current_user),
                 _l("The planned tender is announced: it is public, and suppliers with matching alerts are told.")),
    "publish_tender": ("tender-published", "intents.detail", TenderPublishedForm,
                       lambda intent, form, _item: services.publish_tender(intent, current_user, form.tender_url.data),
                       _l("The tender is marked published, with the link to its notice."), "tender_form"),
    "awarded": ("awarded", "intents.detail", AwardedForm,
                lambda intent, form, _item: services.mark_awarded(intent, current_user, form.note.data),
                _l("The planned tender is marked awarded."), "awarded_form"),
    "withdraw": ("withdraw", "intents.detail", WithdrawForm,
                 lambda intent, form, _item: services.withdraw_intent(intent, current_user, form.reason.data),
                 _l("The planned tender is withdrawn."), "withdraw_form"),
    "unlink_event": ("events/<int:link_id>/remove", "intents.manage", ButtonForm,
                     lambda _intent, _form, link: links.unlink_intent(link, current_user),
                     _l("The link is removed."), None, EventIntent),
}, load=staff_intent_or_404, render=_manage_page, owner="intent_id",
           to=lambda intent, endpoint: url_for(endpoint, intent_id=intent.id))


@bp.post("/intents/<int:intent_id>/delete")
@login_required
def delete(intent_id: int):
    intent = staff_intent_or_404(intent_id)
    return perform(lambda: services.delete_draft(intent, current_user), form=ButtonForm(),
                   to=url_for("intents.mine"), back=url_for("intents.detail", intent_id=intent_id),
                   success=_("The draft is deleted."))


# -- links to events, from the intent's side ---------------------------------------------------------------

@bp.post("/intents/<int:intent_id>/events")
@login_required
def link_event(intent_id: int):
    intent = staff_intent_or_404(intent_id)
    form = LinkEventForm()
    events = links.linkable_events(intent, current_user)
    form.event_id.choices = choices((e.id, e.title) for e in events)

    def action() -> Event:
        event = db.get_or_404(Event, int(form.event_id.data))
        links.link_intent(intent, event, current_user)
        return event

    return perform(action, form=form, page=lambda: _manage_page(intent, link_form=form),
                   to=url_for("intents.manage", intent_id=intent.id),
                   success=lambda event: _("Linked to %(event)s.", event=event.title))


# -- links to intents, from the event's side (organisers) --------------------------------------------------

def _event_intents_page(event, form: LinkIntentForm) -> str:
    search = (request.args.get("q") or "").strip()[:100]
    candidates = links.linkable_intents(event, current_user, search)
    form.intent_id.choices = choices((i.id, f"{i.title} – {i.buyer.name}") for i in candidates)
    return render_template("intents/event_intents.html", event=event, form=form, search=search,
                           candidates=candidates, links=links.links_of_event(event, public_only=False),
                           button=ButtonForm())


@bp.get("/events/<slug>/intents")
@login_required
def event_intents(slug: str):
    return _event_intents_page(organiser_event_or_404(slug), LinkIntentForm(formdata=None))


@bp.post("/events/<slug>/intents")
@login_required
def event_link(slug: str):
    event = organiser_event_or_404(slug)
    form = LinkIntentForm()
    form.intent_id.choices = choices((i.id, i.title) for i in links.linkable_intents(event, current_user))

    def action() -> Intent:
        intent = db.get_or_404(Intent, int(form.intent_id.data))
        links.link_intent(intent, event, current_user)
        return intent

    return perform(action, form=form, page=lambda: _event_intents_page(event, form),
                   to=url_for("intents.event_intents", slug=event.slug),
                   success=lambda intent: _("“%(title)s” is now listed on the event page.", title=intent.title))


@bp.post("/events/<slug>/intents/<int:link_id>/remove")
@login_required
def event_unlink(slug: str, link_id: int):
    event = organiser_event_or_404(slug)
    link = child_or_404(EventIntent, link_id, event_id=event.id)
    return perform(lambda: links.unlink_intent(link, current_user), form=ButtonForm(),
                   to=url_for("intents.event_intents", slug=event.slug), success=_("The link is removed."))
