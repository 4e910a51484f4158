from dialogue.audit.services import list_for_event, record_action
from dialogue.extensions import db
from dialogue.models import EventIntent, MemberRole


def test_audit_log_lists_event_and_presented_intent_actions_for_organisers_only(client, auth, make_user,
                                                                                make_event, make_intent):
    organiser = make_user(role=MemberRole.ADMIN, name="Anna Virtanen")
    event = make_event(organiser=organiser)
    intent = make_intent(organiser.organisation)
    other_intent = make_intent()
    db.session.add(EventIntent(event=event, intent=intent))
    record_action(organiser, "event.publish", "Published the event", event=event)
    record_action(organiser, "question.answer", "Answered a question", intent=intent)
    record_action(organiser, "question.answer", "Elsewhere", intent=other_intent)
    db.session.commit()
    assert [e.summary for e in list_for_event(event)] == ["Answered a question", "Published the event"]

    assert client.get(f"/events/{event.slug}/audit").status_code == 302
    auth.login(make_user())
    assert client.get(f"/events/{event.slug}/audit").status_code == 403
    auth.login(organiser)
    page = client.get(f"/events/{event.slug}/audit").get_data(as_text=True)
    assert "Published the event" in page and "Anna Virtanen" in page and "Elsewhere" not in page
