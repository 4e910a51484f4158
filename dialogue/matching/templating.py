"""What other features' pages show from this one: the links to the suggestions."""

from __future__ import annotations

from flask_login import current_user

from dialogue.matching import access, bp
from dialogue.matching.priorities import BONUS_MAX
from dialogue.matching.queries import CANDIDATE_KINDS


@bp.app_context_processor
def matching_helpers():
    def intent_suggestions_visible(intent) -> bool:
        return intent.is_public and access.can_see_intent_suggestions(intent, current_user)

    def organisation_suggestions_visible(org) -> bool:
        return org.kind in CANDIDATE_KINDS and access.can_see_organisation_suggestions(org, current_user)

    return {"intent_suggestions_visible": intent_suggestions_visible,
            "organisation_suggestions_visible": organisation_suggestions_visible, "match_bonus_max": BONUS_MAX}
