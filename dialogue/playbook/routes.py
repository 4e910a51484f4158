"""The organiser's playbook of an event, and the public gallery of past events."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from dialogue.core.actions import found_or_404
from dialogue.core.inputs import bounded_int
from dialogue.events.access import organiser_event_or_404
from dialogue.events.cloning import can_clone
from dialogue.events.queries import agenda_days
from dialogue.events.services import can_create_events
from dialogue.models import SessionKind
from dialogue.playbook import bp, checklist, gallery


@bp.get("/events/<slug>/playbook")
@login_required
def playbook(slug: str):
    event = organiser_event_or_404(slug)
    steps = checklist.build(event)
    done = sum(1 for step in steps if step.state == checklist.StepState.DONE)
    applicable = sum(1 for step in steps if step.state != checklist.StepState.NOT_APPLICABLE)
    return render_template("playbook/playbook.html", event=event, steps=steps, done=done, applicable=applicable,
                           weeks=checklist.ANNOUNCE_WEEKS, days=checklist.ANSWER_DAYS)


@bp.get("/gallery")
def gallery_index():
    page = max(request.args.get("page", 1, type=bounded_int), 1)
    events, has_next = gallery.list_past_events(page)
    return render_template("playbook/gallery.html", events=events, has_next=has_next, page=page,
                           sessions=gallery.session_counts(events), can_create=can_create_events(current_user))


@bp.get("/gallery/<slug>")
def gallery_event(slug: str):
    event = found_or_404(gallery.get_past_event(slug))
    return render_template("playbook/gallery_event.html", event=event, agenda_days=agenda_days(event),
                           kind_labels={kind.value: str(kind.label) for kind in SessionKind},
                           surveys=gallery.survey_summaries(event), can_clone=can_clone(event, current_user))
