"""Each role against each protected endpoint of the intents feature."""

import pytest

from dialogue.extensions import db
from dialogue.intents import questions, services
from dialogue.models import MemberRole, OrganisationKind

ROLES = ("anonymous", "supplier", "other_buyer", "staff", "organiser", "admin")
STAFF = {"staff", "admin"}
BUYERS = {"staff", "other_buyer"}            # staff of any public buyer create intents
SIGNED_IN = set(ROLES) - {"anonymous"}
ORGANISERS = {"organiser", "admin"}

# name: (method, url template, form data, state of the intent, roles allowed)
ENDPOINTS = {
    "create form": ("GET", "/intents/new", None, None, BUYERS),
    "create": ("POST", "/intents/new", "intent_form", None, BUYERS),
    "own list": ("GET", "/intents/mine", None, None, BUYERS),
    "draft page": ("GET", "/intents/{draft}", None, "draft", STAFF),
    "draft release": ("GET", "/intents/{draft}/ocds.json", None, "draft", set()),
    "edit form": ("GET", "/intents/{announced}/edit", None, "announced", STAFF),
    "edit": ("POST", "/intents/{announced}/edit", "intent_form", "announced", STAFF),
    "edit draft": ("POST", "/intents/{draft}/edit", "intent_form", "draft", STAFF),
    "status page": ("GET", "/intents/{announced}/manage", None, "announced", STAFF),
    "announce": ("POST", "/intents/{draft}/announce", {}, "draft", STAFF),
    "tender published": ("POST", "/intents/{announced}/tender-published", {"tender_url": "https://ted.europa.eu/n/1"},
                         "announced", STAFF),
    "awarded": ("POST", "/intents/{announced}/awarded", {"note": ""}, "announced", STAFF),
    "withdraw": ("POST", "/intents/{announced}/withdraw", {"reason": "Budget cut"}, "announced", STAFF),
    "delete draft": ("POST", "/intents/{draft}/delete", {}, "draft", STAFF),
    "link event": ("POST", "/intents/{announced}/events", "event_choice", "announced", STAFF),
    "questions page": ("GET", "/intents/{announced}/questions/manage", None, "announced", STAFF),
    "answer": ("POST", "/intents/{announced}/questions/{question}/answer", "answer", "announced", STAFF),
    "reword": ("POST", "/intents/{announced}/questions/{question}/wording", "answer", "announced", STAFF),
    "merge": ("POST", "/intents/{announced}/questions/{question}/merge", "merge", "announced", STAFF),
    "ask": ("POST", "/intents/{announced}/questions", {"text": "A question"}, "announced", {"supplier"}),
    "follow": ("POST", "/intents/{announced}/follow", {}, "announced", SIGNED_IN),
    "alerts": ("GET", "/intents/alerts", None, None, SIGNED_IN),
    "new alert": ("POST", "/intents/alerts", {"cpv_prefix": "302", "buyer_id": ""}, None, SIGNED_IN),
    "event's intents": ("GET", "/events/{event}/intents", None, None, ORGANISERS),
    "link from event": ("POST", "/events/{event}/intents", "intent_choice", "announced", ORGANISERS),
}


@pytest.fixture
def world(make_user, make_org, make_event, staff, supplier, announced, intent_input):
    """The people, one event, and a maker of fresh intents: each role acts on intents of its own, so that
    what one role changes (an announcement, a withdrawal) does not decide the next role's answer."""
    network = make_org(name="Procurement network", kind=OrganisationKind.NETWORK)
    people = {
        "anonymous": None,
        "supplier": supplier,
        "other_buyer": make_user(make_org(kind=OrganisationKind.PUBLIC_BUYER), role=MemberRole.ADMIN),
        "staff": staff,
        "organiser": make_user(network),
        "admin": make_user(admin=True, with_org=False),
    }
    event = make_event(organiser=people["organiser"], cohosts=[staff.organisation, network])

    def fresh() -> dict:
        intent = announced()
        draft = services.create_intent(staff, intent_input(title="A draft"))
        first = questions.ask_question(intent, supplier, "First question")
        second = questions.ask_question(intent, supplier, "Second question")
        db.session.commit()
        return {"announced": intent.id, "draft": draft.id, "question": second.id, "target": first.id,
                "event": event.slug, "event_id": event.id}

    return {"people": people, "fresh": fresh}


def _data(kind, state):
    from tests.intents.test_routes import form_data

    question_id = state["question"]
    if kind == "intent_form":
        return form_data()
    if kind == "answer":
        return {f"q{question_id}-public_text": "Reworded", f"q{question_id}-answer": "The answer"}
    if kind == "merge":
        return {f"m{question_id}-target_id": str(state["target"])}
    if kind == "event_choice":
        return {"event_id": str(state["event_id"])}
    if kind == "intent_choice":
        return {"intent_id": str(state["announced"])}
    return kind


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_permissions(client, auth, world, name):
    method, template, data, state_kind, allowed = ENDPOINTS[name]
    shared = world["fresh"]()  # refused roles change nothing: they may share one set of intents
    for role in ROLES:
        state = world["fresh"]() if role in allowed else shared
        url = template.format(**state)
        person = world["people"][role]
        auth.logout()
        if person is not None:
            auth.login(person)
        response = client.get(url) if method == "GET" else client.post(url, data=_data(data, state))
        if role in allowed:
            assert response.status_code in (200, 303), (name, role, response.status_code,
                                                        response.get_data(as_text=True)[:2000])
        elif role == "anonymous" and name not in ("draft page", "draft release"):
            assert response.status_code == 302 and "/login" in response.headers["Location"], (name, role)
        elif state_kind == "draft":
            assert response.status_code == 404, (name, role, response.status_code)  # drafts do not exist for them
        else:
            assert response.status_code == 403, (name, role, response.status_code)
