"""The joint statement of demand: numbered versions, a text per language, signed per version.

Coordinators write a new version (the earlier ones stay readable with their signatures); an admin of a
member organisation signs the current version for that organisation, once, with the date of signing,
which may not lie ahead. Signing version 2 is separate from having signed version 1.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from dialogue.audit.services import record_action
from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.core.text import without_controls
from dialogue.extensions import db
from dialogue.groups import access
from dialogue.models import BuyerGroup, StatementSignature, StatementVersion, User, utcnow
from dialogue.models.group import STATEMENT_LANGUAGES

MAX_TEXT = 20_000


def publish_statement(group: BuyerGroup, actor: User, *, title: str, texts: dict[str, str]) -> StatementVersion:
    """A new version of the statement; at least one language, each under the length limit."""
    if not access.is_coordinator(group, actor):
        raise NotAllowed(_("Only the group's coordinators can do this."))
    title = without_controls(title or "").strip()
    if not title:
        raise DialogueError(_("Give the statement a title."), field="title")
    clean = {code: (texts.get(code) or "").strip() for code in STATEMENT_LANGUAGES}
    for code, text in clean.items():
        if len(text) > MAX_TEXT:
            raise DialogueError(_("Keep each text under %(n)d characters.", n=MAX_TEXT), field=f"text_{code}")
    clean = {code: text for code, text in clean.items() if text}
    if not clean:
        raise DialogueError(_("Write the statement in at least one language."), field="text_en")
    current = group.current_statement
    if current is not None and current.texts == clean and current.title == title[:300]:
        raise Conflict(_("Nothing changed: this is the current version."))
    version = StatementVersion(group=group, version=(current.version + 1) if current else 1, title=title[:300],
                               texts=clean, created_by_id=actor.id)
    db.session.add(version)
    db.session.flush()
    record_action(actor, "group.statement_published",
                  f"Version {version.version} of the joint statement of {group.name} published", group=group.slug,
                  version=version.version)
    return version


def sign_statement(group: BuyerGroup, actor: User, *, signed_on: dt.date | None = None) -> StatementSignature:
    """The actor's organisation signs the current version."""
    if not access.is_member_admin(group, actor):
        raise NotAllowed(_("An admin of a member organisation signs for that organisation."))
    statement = group.current_statement
    if statement is None:
        raise Conflict(_("The group has no statement to sign yet."))
    today = utcnow().date()
    signed_on = signed_on or today
    if signed_on > today:
        raise DialogueError(_("The date of signing cannot lie ahead."), field="signed_on")
    organisation = actor.organisation
    if any(s.organisation_id == organisation.id for s in statement.signatures):
        raise Conflict(_("%(org)s has already signed version %(n)d.", org=organisation.name, n=statement.version))
    signature = StatementSignature(statement=statement, organisation=organisation, signed_on=signed_on,
                                   signed_by_id=actor.id)
    db.session.add(signature)
    db.session.flush()
    record_action(actor, "group.statement_signed",
                  f"{organisation.name} signed version {statement.version} of the joint statement of {group.name}",
                  group=group.slug, version=statement.version, signed_on=signed_on.isoformat())
    return signature
