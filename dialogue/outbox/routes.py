from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from dialogue.core.forms import ButtonForm as RetryForm
from dialogue.core.inputs import bounded_int
from dialogue.core.permissions import admin_required
from dialogue.extensions import db
from dialogue.models import OutboxStatus
from dialogue.outbox import bp, queries, services

PAGE_SIZE = 50


@bp.get("/admin/outbox")
@admin_required
def index():
    status = request.args.get("status") or None
    if status and status not in OutboxStatus.__members__.values():
        status = None
    page = max(request.args.get("page", 1, type=bounded_int), 1)
    messages, _more = queries.messages_page(status, page, PAGE_SIZE)
    return render_template("outbox/index.html", messages=messages, counts=queries.status_counts(), status=status,
                           page=page, page_size=PAGE_SIZE, statuses=list(OutboxStatus), form=RetryForm())


@bp.post("/admin/outbox/retry")
@admin_required
def retry():
    form = RetryForm()
    if not form.validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return redirect(url_for("outbox.index"), 303)
    count = services.retry_failed()
    db.session.commit()
    flash(ngettext("%(num)d failed message queued again.", "%(num)d failed messages queued again.", count),
          "success")
    return redirect(url_for("outbox.index"), 303)
