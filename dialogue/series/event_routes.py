"""An event's organisers put it in a series (or take it out), and invite the people of earlier events."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from dialogue.core.actions import found_or_404, page_view, page_views, perform
from dialogue.core.forms import ButtonForm, choices
from dialogue.events.access import organiser_event_or_404
from dialogue.extensions import db
from dialogue.invitations.queries import listed_emails
from dialogue.models import Event, Series
from dialogue.series import bp, services
from dialogue.series.access import can_manage, managed_series
from dialogue.series.forms import AttachForm


def _form(form: AttachForm | None = None) -> AttachForm:
    form = form or AttachForm(formdata=None)
    form.series_id.choices = choices([("", _("Choose a series"))]
                                     + [(s.id, s.title) for s in managed_series(current_user)])
    return form


def _series_of(event: Event) -> Series | None:
    return db.session.get(Series, event.series_id) if event.series_id else None


def _page(event: Event, form: AttachForm | None = None):
    series = _series_of(event)
    manager = series is not None and can_manage(series, current_user)
    earlier = services.earlier_events(series, event) if series else []
    people = services.earlier_participants(series, event) if manager else []
    listed = listed_emails(event)
    new = [p for p in people if p[1] not in listed]
    return render_template("series/event_series.html", event=event, series=series, form=_form(form),
                           manager=manager, earlier=earlier, people=len(people), new=len(new), button=ButtonForm())


def _here(event: Event) -> str:
    return url_for("series.event_series", slug=event.slug)


page_view(bp, "/events/<slug>/series", "event_series", load=organiser_event_or_404, render=_page)


def _attach(event: Event, form: AttachForm, _item):
    series = found_or_404(db.session.get(Series, int(form.series_id.data)))
    return services.attach_event(series, event, current_user)


def _attached(told: int) -> str:
    return _("The event is in the series.") + " " + (ngettext(
        "%(num)s follower was told.", "%(num)s followers were told.", told) if told else "")


# endpoint: (path, where (the page itself), form, the change, message[, the form's name on the page])
page_views(bp, "/events/<slug>/series/{path}", {
    "attach": ("attach", None, lambda: _form(AttachForm()), _attach, _attached, "form"),
    "detach": ("detach", None, ButtonForm, lambda event, _form, _item: services.detach_event(event, current_user),
               _l("The event is no longer in a series.")),
}, load=organiser_event_or_404, render=_page, to=lambda event, _where: _here(event))


@bp.post("/events/<slug>/series/invite-earlier")
@login_required
def invite_earlier(slug: str):
    event = organiser_event_or_404(slug)

    def action():
        series = found_or_404(_series_of(event))
        return services.invite_earlier_participants(series, event, current_user)

    return perform(action, form=ButtonForm(), to=url_for("invitations.manage", slug=event.slug),
                   back=_here(event),
                   success=lambda n: ngettext("%(num)s invitation is on its way.",
                                              "%(num)s invitations are on their way.", n))
