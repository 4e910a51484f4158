"""Ready-made questionnaires an organiser can start from and then edit.

Each starter is plain data: sections of questions. A question's ``show_if`` names an earlier question of
the same starter by its ``key`` and the answer that makes it appear.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from dialogue.models import SurveyQuestionKind as K

LABELS = ("TCO Certified", "EPEAT", "Blue Angel (DE-UZ 78)", "Electronics Watch affiliation", "Fairtrade Gold",
          "None of these")

STARTERS = {
    "market_dialogue": {
        "label": _l("Market dialogue feedback"),
        "title": "Market dialogue feedback",
        "intro": "Thank you for taking part. Your answers help the buyers prepare a tender the market can "
                 "answer. It takes about three minutes.",
        "sections": [
            {"title": "The event", "questions": [
                {"key": "useful", "kind": K.RATING, "required": True,
                 "text": "How useful was the market dialogue for you?",
                 "help_text": "1 = not useful, 5 = very useful."},
                {"kind": K.RATING, "required": True,
                 "text": "How clearly did the buyers explain their needs?",
                 "help_text": "1 = not clear at all, 5 = very clear."},
                {"kind": K.NPS, "required": False,
                 "text": "How likely are you to recommend these market dialogues to a colleague?",
                 "help_text": "0 = not at all likely, 10 = extremely likely."},
            ]},
            {"title": "The coming tender", "questions": [
                {"key": "bid", "kind": K.SINGLE_CHOICE, "required": True,
                 "text": "Will you bid on the coming tender?",
                 "options": ["Yes", "Probably", "Not sure yet", "Probably not", "No"]},
                {"kind": K.LONG_TEXT, "required": False, "show_if": ("bid", "No"),
                 "text": "What keeps you from bidding?"},
                {"kind": K.MULTIPLE_CHOICE, "required": False, "allow_other": True,
                 "text": "What are your barriers to meeting the social criteria?",
                 "help_text": "Choose all that apply.",
                 "options": ["Supply-chain transparency beyond the first tier",
                             "Cost of audits and certification",
                             "Lead times for certified products",
                             "Unclear verification requirements",
                             "No worker-driven monitoring in our supply chain yet"]},
                {"kind": K.MULTIPLE_CHOICE, "required": False, "allow_other": True,
                 "text": "Which labels or affiliations do you hold?",
                 "help_text": "Choose all that apply.", "options": list(LABELS)},
                {"kind": K.LONG_TEXT, "required": False,
                 "text": "Anything else the buyers should know?"},
            ]},
        ],
    },
    "meeting_outcome": {
        "label": _l("Meeting outcome"),
        "title": "Meeting outcome",
        "intro": "A short question about your one-to-one meeting at the event.",
        "sections": [
            {"title": "Your meeting", "questions": [
                {"key": "took_place", "kind": K.YES_NO, "required": True,
                 "text": "Did the meeting take place?"},
                {"kind": K.RATING, "required": True, "show_if": ("took_place", "yes"),
                 "text": "How useful was the meeting?", "help_text": "1 = not useful, 5 = very useful."},
                {"kind": K.SINGLE_CHOICE, "required": False, "allow_other": True, "show_if": ("took_place", "yes"),
                 "text": "What is the next step?",
                 "options": ["A follow-up meeting", "We send information or documents",
                             "We wait for the tender", "No further step"]},
                {"kind": K.SHORT_TEXT, "required": False, "show_if": ("took_place", "no"),
                 "text": "Why did the meeting not take place?"},
            ]},
        ],
    },
}
