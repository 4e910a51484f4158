"""What the intent's page asks of the readiness feature, through one included partial."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from dialogue.intents.access import ASKING_KINDS
from dialogue.models import Intent, utcnow
from dialogue.readiness import bp, queries


@bp.app_template_global()
def readiness_on_intent(intent: Intent) -> dict | None:
    """The matrix as the intent's page shows it: the published counts, and a link for who may use it."""
    found = queries.summary(intent.id)
    if found is None:
        return None
    user = current_user
    org = user.organisation if user.is_authenticated else None
    return {"published_at": found.published_at if intent.is_public else None,
            "published": found.published if intent.is_public else None,
            "closes_at": found.closes_at, "open": intent.is_open_for_questions and utcnow() < found.closes_at,
            "answers": org is not None and org.kind in ASKING_KINDS}


@bp.app_template_global()
def readiness_sentence(row: dict) -> str:
    """“5 of 8 responding suppliers can meet it today; 2 by 2027-06-30; 1 cannot.”"""
    total = row["responding"]
    if not total:
        return _("Nobody answered this one.")
    parts = [ngettext("%(n)s of %(num)s responding supplier can meet it today",
                      "%(n)s of %(num)s responding suppliers can meet it today", total, n=row["meets_today"])]
    if row["can_meet_by"]:
        parts.append(_("%(n)s by %(date)s", n=row["can_meet_by"], date=row["latest_by_date"]))
    if row["cannot"]:
        parts.append(_("%(n)s cannot", n=row["cannot"]))
    if row["not_applicable"]:
        parts.append(_("for %(n)s it does not apply", n=row["not_applicable"]))
    return "; ".join(parts) + "."
