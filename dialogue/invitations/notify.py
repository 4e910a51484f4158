"""The invitation and its reminder, through the outbox: a personal link to register and one to decline."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from dialogue.core.urls import on_base_url
from dialogue.models import Event, EventInvitee
from dialogue.outbox.services import enqueue_mail


def send(event: Event, invitees: list[EventInvitee], *, reminder: bool) -> None:

    subject = (_l("Reminder: you are invited to %(title)s", title=event.title) if reminder
               else _l("You are invited to %(title)s", title=event.title))
    locale = event.languages[0] if event.languages else None
    with on_base_url() as link:
        event_url = link("events.detail", slug=event.slug)
        for invitee in invitees:
            enqueue_mail([invitee.email], subject, "invitations/invitation", category="invitations."
                         + ("reminder" if reminder else "invitation"), locale=locale, event=event,
                         invitee=invitee, reminder=reminder, event_url=event_url,
                         register_url=link("invitations.personal_link", token=invitee.token),
                         decline_url=link("invitations.decline", token=invitee.token))
