"""Match scores in the auto-scheduler's priorities: the organisers' switch, and the bounded bonus."""

from sqlalchemy import select

from dialogue.extensions import db
from dialogue.matching import priorities
from dialogue.meetings import scheduling
from dialogue.meetings.requests import create_request
from dialogue.models import AuditEntry, MeetingMode


def test_the_bonus_is_bounded():
    assert [priorities.bonus(s) for s in (-5, 0, 24, 25, 74, 75, 100, 250)] == [0, 0, 0, 0, 1, 2, 2, 2]
    assert priorities.BONUS_MAX == 2


def _requests(market):
    w = market.w
    w.settings.mode = MeetingMode.ORGANISER
    db.session.commit()
    fitting = create_request(w.event, w.s1, buyer_org_id=w.buyer_org.id, intent_id=market.intent.id,
                             topic="", agenda="", preferred_slot_ids=[])
    unfitting = create_request(w.event, w.s3, buyer_org_id=w.buyer_org.id, intent_id=market.intent.id,
                               topic="", agenda="", preferred_slot_ids=[])
    general = create_request(w.event, w.s1, buyer_org_id=w.cohost_org.id, intent_id=None, topic="Phones",
                             agenda="", preferred_slot_ids=[])
    db.session.commit()
    return fitting, unfitting, general


def _weights(event):
    instance, _ = scheduling.build_instance(event)
    return {r.id: r.weight for r in instance.requests}


def test_match_scores_add_a_bonus_only_when_the_organisers_turn_them_on(market):
    fitting, unfitting, general = _requests(market)
    assert _weights(market.w.event) == {fitting.id: 8, unfitting.id: 8, general.id: 8}
    market.w.settings.use_match_scores = True
    db.session.commit()
    # the phone maker fits the smartphone tender; the laptop maker does not; no tender, no bonus
    assert _weights(market.w.event) == {fitting.id: 10, unfitting.id: 8, general.id: 8}


def test_the_bonus_is_the_score_the_buyer_sees(market):
    from dialogue.matching.queries import pair_scores, suggestions_for_intent

    shown = {m.offer.id: m.score for m in suggestions_for_intent(market.intent)}
    pairs = {(market.intent.id, market.w.supplier_org.id), (market.intent.id, market.reseller.organisation_id)}
    assert pair_scores(pairs) == {(market.intent.id, org_id): shown[org_id] for _, org_id in pairs}


def test_organisers_turn_match_scores_on_and_the_scheduler_page_says_so(client, auth, market):
    w = market.w
    w.settings.mode = MeetingMode.ORGANISER
    db.session.commit()
    auth.login(w.organiser)
    page = client.get(f"/events/{w.event.slug}/meetings/schedule").get_data(as_text=True)
    assert "Off: only the buyers" in page
    response = client.post(f"/events/{w.event.slug}/meetings/match-scores", data={"on": "1"})
    assert response.status_code == 303
    page = client.get(f"/events/{w.event.slug}/meetings/schedule").get_data(as_text=True)
    assert "Match scores now weigh in the priorities." in page and "up to 2 extra priority points" in page
    db.session.refresh(w.settings)
    assert w.settings.use_match_scores is True
    assert db.session.scalar(select(AuditEntry.summary).where(AuditEntry.action == "matching.use_match_scores"))
    client.post(f"/events/{w.event.slug}/meetings/match-scores", data={"on": "1"})  # a second click: still on
    db.session.refresh(w.settings)
    assert w.settings.use_match_scores is True
    client.post(f"/events/{w.event.slug}/meetings/match-scores", data={"on": "0"})
    db.session.refresh(w.settings)
    assert w.settings.use_match_scores is False


def test_only_organisers_switch_it(client, auth, market):
    auth.login(market.w.b1)
    assert client.post(f"/events/{market.w.event.slug}/meetings/match-scores", data={"on": "1"}).status_code == 403
    assert client.post(f"/events/{market.w.event.slug}/meetings/match-scores", data={"on": "1"}).status_code == 403
    db.session.refresh(market.w.settings)
    assert market.w.settings.use_match_scores is False


def test_an_event_without_meetings_set_up_is_refused_with_a_message(client, auth, make_event, make_user):
    organiser = make_user()
    event = make_event(organiser=organiser)
    auth.login(organiser)
    response = client.post(f"/events/{event.slug}/meetings/match-scores", data={"on": "1"}, follow_redirects=True)
    assert "Set up the meetings of this event first." in response.get_data(as_text=True)
