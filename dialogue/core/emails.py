"""Email addresses as the platform stores and compares them: validated, normalised, lower case."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from dialogue.core.errors import DialogueError


def normalise_email(raw: str) -> str:
    """The one form of an address, so an account, an invitation and a throttle key agree on it."""
    try:
        # Deliverability (DNS) is not checked: the verification mail does that.
        result = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise DialogueError(_("Enter a valid email address: %(reason)s", reason=exc), field="email") from None
    return result.normalized.lower()
