"""The organisers' invitation list, and the invitee's personal links (no sign-in: the token is the proof)."""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from dialogue.core.actions import found_or_404, page_view, page_views, perform
from dialogue.core.forms import ButtonForm
from dialogue.core.spreadsheet import csv_chunks
from dialogue.events.access import organiser_event_or_404
from dialogue.extensions import db
from dialogue.invitations import bp, queries, services
from dialogue.invitations.forms import ImportForm
from dialogue.models import Event, EventInvitee, InviteeStatus, utcnow


def _status_filter() -> InviteeStatus | None:
    value = request.args.get("status", "")
    return InviteeStatus(value) if value in {s.value for s in InviteeStatus} else None


def _page(event: Event, form: ImportForm | None = None, report=None):
    status = _status_filter()
    return render_template("invitations/manage.html", event=event, form=form or ImportForm(formdata=None),
                           report=report, invitees=queries.list_invitees(event, status), status=status,
                           counts=queries.counts(event), statuses=list(InviteeStatus), button=ButtonForm(),
                           reminders_due=len(services.reminders_due(event, utcnow())))


def _here(event: Event) -> str:
    return url_for("invitations.manage", slug=event.slug)


page_view(bp, "/events/<slug>/invitations", "manage", load=organiser_event_or_404, render=_page)


@bp.post("/events/<slug>/invitations/import")
@login_required
def import_csv(slug: str):
    event = organiser_event_or_404(slug)
    form = ImportForm()
    seen: dict = {}

    def action():
        text = form.text()
        seen["text"] = text
        try:
            return services.import_invitees(event, text, current_user, good_only=bool(form.good_only.data))
        except services.BadRows as exc:
            seen["report"] = exc.report
            raise

    def page():
        if not form.content.data:
            form.content.data = seen.get("text") or ""
        return _page(event, form, seen.get("report"))

    return perform(action, to=_here(event), form=form, page=page,
                   success=lambda n: ngettext("%(num)s invitee added.", "%(num)s invitees added.", n))


# The page's buttons. endpoint: (path, where (the page itself), form, the change, message[, -, the row removed])
page_views(bp, "/events/<slug>/invitations/{path}", {
    "send": ("send", None, ButtonForm, lambda event, _form, _item: services.send_invitations(event, current_user),
             lambda n: ngettext("%(num)s invitation is on its way.", "%(num)s invitations are on their way.", n)),
    "remind": ("remind", None, ButtonForm, lambda event, _form, _item: services.send_reminders(event, current_user),
               lambda n: ngettext("%(num)s reminder is on its way.", "%(num)s reminders are on their way.", n)),
    "remove": ("<int:invitee_id>/remove", None, ButtonForm,
               lambda event, _form, invitee: services.remove_invitee(event, invitee, current_user),
               _l("Removed from the list."), None, EventInvitee),
}, load=organiser_event_or_404, render=_page, to=lambda event, _where: _here(event))


@bp.get("/events/<slug>/invitations.csv")
@login_required
def export(slug: str):
    event = organiser_event_or_404(slug)
    rows = ([i.name, i.email, i.organisation, str(status.label), i.invited_at, i.reminders_sent, i.opened_at,
             i.declined_at] for i, status in queries.list_invitees(event, _status_filter()))
    headings = [_("Name"), _("Email"), _("Organisation"), _("Status"), _("Invited (UTC)"), _("Reminders"),
                _("Opened the link (UTC)"), _("Declined (UTC)")]
    response = Response(csv_chunks(headings, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-invitations.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _invitee_or_404(token: str) -> EventInvitee:
    return found_or_404(queries.invitee_for_token(token), _("This invitation link is not valid."))


@bp.get("/invited/<token>")
def personal_link(token: str):
    """The personal link: noted once, then on to the event's registration page."""
    invitee = _invitee_or_404(token)
    services.mark_opened(invitee)
    db.session.commit()
    return redirect(url_for("registrations.register", slug=invitee.event.slug, invitation=token), 303)


@bp.route("/invited/<token>/decline", methods=["GET", "POST"])
def decline(token: str):
    """Opening the link changes nothing (mail scanners open links); the button declines."""
    invitee = _invitee_or_404(token)
    if request.method == "GET":
        return render_template("invitations/decline.html", invitee=invitee, event=invitee.event,
                               status=queries.status_of(invitee), button=ButtonForm())
    form = ButtonForm()
    return perform(lambda: services.decline(invitee), form=form, to=url_for("invitations.decline", token=token),
                   page=lambda: render_template("invitations/decline.html", invitee=invitee, event=invitee.event,
                                                status=queries.status_of(invitee), button=form),
                   success=_("Thank you for telling us. You get no more reminders."))
