"""What the event pages of the events feature include from this feature."""

from __future__ import annotations

from dialogue.intents import bp


@bp.app_context_processor
def intent_helpers():
    def event_intents(event):
        """The public intents presented at the event, in one query."""
        from dialogue.intents.links import links_of_event

        return [link.intent for link in links_of_event(event)]

    return {"event_intents": event_intents}
