"""Cloning an event into a new draft (see cloning.py)."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from dialogue.core.actions import form_status, perform
from dialogue.events import bp, cloning
from dialogue.events.access import get_event_or_404
from dialogue.events.forms import CloneForm


@bp.route("/events/<slug>/clone", methods=["GET", "POST"])
@login_required
def clone(slug: str):
    event = get_event_or_404(slug, current_user)
    if not cloning.can_clone(event, current_user):
        abort(403, _("Only the organisers of this event, or of a past public event anyone who may create "
                     "events, can clone it."))
    form = CloneForm()

    def page():
        return render_template("events/clone.html", event=event, form=form,
                               keeps_cohosts=cloning.is_organiser(event, current_user)), form_status(form)

    if request.method == "GET":
        if not form.slug.data:
            form.slug.data = f"{event.slug}-copy"
        return page()
    return perform(lambda: cloning.clone_event(event, current_user, starts_on=form.starts_on.data,
                                               slug=form.slug.data),
                   form=form, page=lambda: page()[0], to=lambda new: url_for("events.manage", slug=new.slug),
                   success=_("The copy is saved as a draft. Check the agenda and dates, then publish it."))
