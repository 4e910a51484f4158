"""The organisers' agenda pages: add, change and remove sessions."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import form_page, perform
from dialogue.core.forms import ButtonForm
from dialogue.events import agenda, bp, queries
from dialogue.events.access import organiser_event_or_404
from dialogue.events.forms import SessionForm, local_value, utc_value
from dialogue.models import AgendaSession, Event


def _save(event: Event, session: AgendaSession | None, form: SessionForm) -> AgendaSession:
    zone = event.timezone
    return agenda.save_session(event, session, title=form.title.data, kind=form.kind.data,
                               starts_at=utc_value(form.starts_at.data, zone),
                               ends_at=utc_value(form.ends_at.data, zone), room=form.room.data,
                               description=form.description.data or "",
                               speaker_emails=agenda.parse_emails(form.speakers.data))


def _agenda_url(event: Event) -> str:
    return url_for("events.manage", slug=event.slug, _anchor="agenda")


@bp.route("/events/<slug>/sessions/new", methods=["GET", "POST"])
@login_required
def new_session(slug: str):
    event = organiser_event_or_404(slug)
    form = SessionForm()

    def fill() -> None:
        last = event.sessions[-1] if event.sessions else None
        start = last.ends_at if last is not None and last.ends_at < event.ends_at else event.starts_at
        form.starts_at.data = local_value(start, event.timezone)

    return form_page(lambda: _save(event, None, form), form=form, fill=fill, to=_agenda_url(event),
                     page=lambda: render_template("events/session_form.html", event=event, form=form, session=None),
                     success=_("The session is on the agenda."))


@bp.route("/events/<slug>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(slug: str, session_id: int):
    event = organiser_event_or_404(slug)
    session = queries.session_or_404(event, session_id)
    form = SessionForm()

    def fill() -> None:
        form.title.data, form.kind.data, form.room.data = session.title, session.kind.value, session.room
        form.description.data = session.description
        form.starts_at.data = local_value(session.starts_at, event.timezone)
        form.ends_at.data = local_value(session.ends_at, event.timezone)
        form.speakers.data = "\n".join(s.user.email for s in session.speakers)

    return form_page(lambda: _save(event, session, form), form=form, fill=fill, to=_agenda_url(event),
                     page=lambda: render_template("events/session_form.html", event=event, form=form,
                                                  session=session, delete_form=ButtonForm()),
                     success=_("The session is saved."))


@bp.post("/events/<slug>/sessions/<int:session_id>/delete")
@login_required
def delete_session(slug: str, session_id: int):
    event = organiser_event_or_404(slug)
    session = queries.session_or_404(event, session_id)
    return perform(lambda: agenda.delete_session(event, session, actor=current_user), form=ButtonForm(),
                   to=_agenda_url(event), success=_("The session is removed from the agenda."))
