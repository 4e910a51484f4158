"""Ready-made questionnaires an organiser can start from and then edit.

Each starter is plain data: sections of questions. A question's ``show_if`` names an earlier question of
the same starter by its ``key`` and the answer that makes it appear. The texts are lazy strings: a survey
is filled in the organiser's language, and from then on it is the organisers' own content.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from dialogue.models import SurveyQuestionKind as K

# Label names stay as they are; the two descriptions are translated.
LABELS = ("TCO Certified", "EPEAT", "Blue Angel (DE-UZ 78)", _l("Electronics Watch affiliation"), "Fairtrade Gold",
          _l("None of these"))

STARTERS = {
    "market_dialogue": {
        "label": _l("Market dialogue feedback"),
        "title": _l("Market dialogue feedback"),
        "intro": _l("Thank you for taking part. Your answers help the buyers prepare a tender the market can "
                    "answer. It takes about three minutes."),
        "sections": [
            {"title": _l("The event"), "questions": [
                {"key": "useful", "kind": K.RATING, "required": True,
                 "text": _l("How useful was the market dialogue for you?"),
                 "help_text": _l("1 = not useful, 5 = very useful.")},
                {"kind": K.RATING, "required": True,
                 "text": _l("How clearly did the buyers explain their needs?"),
                 "help_text": _l("1 = not clear at all, 5 = very clear.")},
                {"kind": K.NPS, "required": False,
                 "text": _l("How likely are you to recommend these market dialogues to a colleague?"),
                 "help_text": _l("0 = not at all likely, 10 = extremely likely.")},
            ]},
            {"title": _l("The coming tender"), "questions": [
                {"key": "bid", "kind": K.SINGLE_CHOICE, "required": True,
                 "text": _l("Will you bid on the coming tender?"),
                 "options": [_l("Yes"), _l("Probably"), _l("Not sure yet"), _l("Probably not"), _l("No")]},
                {"kind": K.LONG_TEXT, "required": False, "show_if": ("bid", _l("No")),
                 "text": _l("What keeps you from bidding?")},
                {"kind": K.MULTIPLE_CHOICE, "required": False, "allow_other": True,
                 "text": _l("What are your barriers to meeting the social criteria?"),
                 "help_text": _l("Choose all that apply."),
                 "options": [_l("Supply-chain transparency beyond the first tier"),
                             _l("Cost of audits and certification"),
                             _l("Lead times for certified products"),
                             _l("Unclear verification requirements"),
                             _l("No worker-driven monitoring in our supply chain yet")]},
                {"kind": K.MULTIPLE_CHOICE, "required": False, "allow_other": True,
                 "text": _l("Which labels or affiliations do you hold?"),
                 "help_text": _l("Choose all that apply."), "options": list(LABELS)},
                {"kind": K.LONG_TEXT, "required": False,
                 "text": _l("Anything else the buyers should know?")},
            ]},
        ],
    },
    "meeting_outcome": {
        "label": _l("Meeting outcome"),
        "title": _l("Meeting outcome"),
        "intro": _l("A short question about your one-to-one meeting at the event."),
        "sections": [
            {"title": _l("Your meeting"), "questions": [
                {"key": "took_place", "kind": K.YES_NO, "required": True,
                 "text": _l("Did the meeting take place?")},
                {"kind": K.RATING, "required": True, "show_if": ("took_place", "yes"),
                 "text": _l("How useful was the meeting?"), "help_text": _l("1 = not useful, 5 = very useful.")},
                {"kind": K.SINGLE_CHOICE, "required": False, "allow_other": True, "show_if": ("took_place", "yes"),
                 "text": _l("What is the next step?"),
                 "options": [_l("A follow-up meeting"), _l("We send information or documents"),
                             _l("We wait for the tender"), _l("No further step")]},
                {"kind": K.SHORT_TEXT, "required": False, "show_if": ("took_place", "no"),
                 "text": _l("Why did the meeting not take place?")},
            ]},
        ],
    },
}
