"""Minutes of one-to-one meetings: who records and reads them, the required choice about information
given, and publishing it to every bidder with one action (Art. 41)."""

import datetime as dt

import pytest
from sqlalchemy import select

from dialogue.core.errors import Conflict, DialogueError, NotAllowed
from dialogue.extensions import db
from dialogue.intents import subscriptions
from dialogue.meetings import changes, minutes, requests
from dialogue.models import (
    AuditEntry,
    EventIntent,
    Material,
    MeetingMinutes,
    MeetingSlot,
    OrganisationKind,
    utcnow,
)


def _meeting(w, *, intent=None, slot=0, supplier=None, past=True):
    """A meeting of Erik Lund (City of Malmö) with Circular Computing; moved into the past when asked."""
    req = requests.create_request(w.event, supplier or w.s1, buyer_org_id=w.buyer_org.id,
                                  intent_id=intent.id if intent else None, topic="" if intent else "Phones",
                                  agenda="", preferred_slot_ids=[])
    meeting = requests.accept_request(req, w.b1, slot_id=w.slots[slot].id)
    db.session.commit()
    if past:
        _into_the_past(meeting.slot, hours=2 + slot)
    return meeting


def _into_the_past(slot: MeetingSlot, hours: int) -> None:
    slot.starts_at = utcnow() - dt.timedelta(hours=hours)
    slot.ends_at = slot.starts_at + dt.timedelta(minutes=20)
    db.session.commit()


@pytest.fixture
def tender(world, make_intent, make_user, make_org):
    """A planned tender of City of Malmö presented at the event, with a supplier following it by alert."""
    intent = make_intent(world.buyer_org, title="Fair smartphones 2027")
    db.session.add(EventIntent(event_id=world.event.id, intent_id=intent.id))
    follower = make_user(make_org(kind=OrganisationKind.SUPPLIER, name="Fairphone"), name="Fay Follower")
    subscriptions.subscribe(follower, cpv_prefix="302")
    db.session.commit()
    intent.follower = follower
    return intent


def test_information_given_is_a_required_choice(world, client, auth):
    w = world
    meeting = _meeting(w)
    auth.login(w.b1)
    url = f"/meetings/{meeting.id}/minutes"
    page = client.get(url)
    assert page.status_code == 200 and "No information about the procurement was given" in page.get_data(as_text=True)

    neither = client.post(url, data={"summary": "Talked about phones", "information_given": ""})
    assert neither.status_code == 400
    assert "Write what was said about the procurement, or tick that nothing was." in neither.get_data(as_text=True)
    both = client.post(url, data={"summary": "Talked", "no_information_given": "y",
                                  "information_given": "Volume is 5000 phones"})
    assert both.status_code == 400 and "not both" in both.get_data(as_text=True)
    no_summary = client.post(url, data={"summary": " ", "no_information_given": "y"})
    assert no_summary.status_code == 400
    assert db.session.scalar(select(MeetingMinutes)) is None

    saved = client.post(url, data={"summary": "Talked about repairability", "no_information_given": "y"})
    assert saved.status_code == 303
    record = db.session.scalar(select(MeetingMinutes))
    assert record.no_information_given and record.information_given is None and record.recorded_by_id == w.b1.id
    # Edited later by a colleague of the same buyer organisation, who was not at the table: audited.
    auth.login(w.b2)
    edited = client.post(url, data={"summary": "Talked about repairability and spare parts",
                                    "information_given": "We expect about 5000 phones a year."})
    assert edited.status_code == 303
    db.session.expire_all()
    record = db.session.get(MeetingMinutes, record.id)
    assert record.summary.endswith("spare parts") and not record.no_information_given
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.event_id == w.event.id)).all()
    assert "meeting.minutes" in actions and "meeting.minutes_edited" in actions


def test_who_reads_and_who_records(world, client, auth, make_user, make_org):
    w = world
    meeting = _meeting(w)
    minutes.record_minutes(meeting, w.b1, summary="Internal: they seemed expensive", no_information_given=False,
                           information_given="The contract starts in May 2027.")
    db.session.commit()
    url = f"/meetings/{meeting.id}/minutes"
    data = {"summary": "Changed", "no_information_given": "y"}

    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    outsider = make_user(make_org(kind=OrganisationKind.SUPPLIER))
    for person in (outsider, w.observer, w.s3):  # another supplier, an observer, a supplier of another meeting
        auth.login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, data=data).status_code == 403

    auth.login(w.s2)  # the supplier side: a colleague of the supplier, not at the table
    page = client.get(url).get_data(as_text=True)
    assert "Minutes recorded" in page and "seemed expensive" not in page and "May 2027" not in page
    assert client.post(url, data=data).status_code == 403

    auth.login(w.organiser)
    page = client.get(url).get_data(as_text=True)
    assert "seemed expensive" in page and "May 2027" in page and "Save minutes" not in page
    assert client.post(url, data=data).status_code == 403

    auth.login(w.b2)
    page = client.get(url).get_data(as_text=True)
    assert "seemed expensive" in page and "Save minutes" in page
    detail = client.get(f"/meetings/{meeting.id}")  # b2 is not in the meeting: its page is not theirs
    assert detail.status_code == 404
    auth.login(w.b1)
    detail = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Open the minutes" in detail and "Minutes recorded" in detail
    db.session.expire_all()
    assert db.session.scalar(select(MeetingMinutes)).summary == "Internal: they seemed expensive"


def test_cancelled_meetings_no_shows_and_future_meetings_take_no_minutes(world, client, auth):
    w = world
    upcoming = _meeting(w, slot=0, past=False)
    cancelled = _meeting(w, slot=1, supplier=w.s3, past=False)
    changes.cancel_meeting(cancelled, w.b1, "Clash")
    db.session.commit()
    _into_the_past(cancelled.slot, hours=3)
    auth.login(w.b1)
    data = {"summary": "x", "no_information_given": "y"}
    refused = client.post(f"/meetings/{cancelled.id}/minutes", data=data)
    assert refused.status_code == 409 and "cancelled: it takes no minutes" in refused.get_data(as_text=True)
    early = client.post(f"/meetings/{upcoming.id}/minutes", data=data)
    assert early.status_code == 409 and "once the meeting has started" in early.get_data(as_text=True)
    _into_the_past(upcoming.slot, hours=2)
    changes.report_no_show(upcoming, w.b1, "Nobody came")
    db.session.commit()
    with pytest.raises(Conflict, match="not taken place"):
        minutes.record_minutes(upcoming, w.b1, summary="x", no_information_given=True, information_given="")
    db.session.rollback()
    assert db.session.scalar(select(MeetingMinutes)) is None


def test_one_click_publish_reaches_the_public_tender_page_and_its_followers(world, client, auth, tender, outbox):
    w = world
    meeting = _meeting(w, intent=tender)
    auth.login(w.b1)
    client.post(f"/meetings/{meeting.id}/minutes", data={
        "summary": "Discussed refurbished phones", "information_given": "We will ask for a five-year warranty."})
    page = client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert "Publish to everyone" in page

    published = client.post(f"/meetings/{meeting.id}/minutes/publish")
    assert published.status_code == 303
    record = db.session.scalar(select(MeetingMinutes))
    assert record.published_at is not None and record.published_question_id is not None

    auth.logout()
    public = client.get(f"/intents/{tender.id}").get_data(as_text=True)
    assert "We will ask for a five-year warranty." in public
    assert "Information given in a one-to-one meeting" in public and "Discussed refurbished phones" not in public
    # Nobody asked it: the entry says the buyer published it, not that a supplier asked.
    assert "without a question" in public and "by a supplier or reseller" not in public
    mails = outbox("intents.answer", to=tender.follower.email)
    assert len(mails) == 1 and "five-year warranty" in mails[0].body_text

    auth.login(w.s1)  # the supplier side sees what was published, and where
    page = client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert "five-year warranty" in page and f"#question-{record.published_question_id}" in page
    assert "Discussed refurbished phones" not in page

    auth.login(w.b1)
    again = client.post(f"/meetings/{meeting.id}/minutes/publish", follow_redirects=True)
    assert "already published" in again.get_data(as_text=True)
    assert len(outbox("intents.answer", to=tender.follower.email)) == 1
    changed = client.post(f"/meetings/{meeting.id}/minutes", data={
        "summary": "Discussed refurbished phones", "information_given": "Something else"})
    assert changed.status_code == 409 and "can no longer be changed" in changed.get_data(as_text=True)


def test_publish_refusals(world, tender, make_user):
    w = world
    meeting = _meeting(w, intent=tender)
    record = minutes.record_minutes(meeting, w.b1, summary="Nothing said", no_information_given=True,
                                    information_given=None)
    with pytest.raises(Conflict, match="nothing to publish"):
        minutes.publish_minutes(record, w.b1)
    record = minutes.record_minutes(meeting, w.b1, summary="Said", no_information_given=False,
                                    information_given="Delivery in 2027")
    with pytest.raises(NotAllowed):
        minutes.publish_minutes(record, w.s1)  # the supplier side never publishes
    with pytest.raises(NotAllowed):
        minutes.publish_minutes(record, w.organiser)  # the tender's buyer does
    with pytest.raises(DialogueError):
        minutes.record_minutes(meeting, w.b1, summary="x" * 2001, no_information_given=True, information_given="")


def test_without_a_tender_the_organisers_publish_to_the_event_materials(world, client, auth):
    w = world
    meeting = _meeting(w)
    minutes.record_minutes(meeting, w.b1, summary="Phones", no_information_given=False,
                           information_given="Budget is about 2 million euros.")
    db.session.commit()
    auth.login(w.b1)
    page = client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert "Publish to everyone" not in page and "the organisers publish" in page
    assert client.post(f"/meetings/{meeting.id}/minutes/publish").status_code == 403

    auth.login(w.organiser)
    assert client.post(f"/meetings/{meeting.id}/minutes/publish").status_code == 303
    material = db.session.scalar(select(Material))
    assert material.event_id == w.event.id and material.description == "Budget is about 2 million euros."
    record = db.session.scalar(select(MeetingMinutes))
    assert record.published_material_id == material.id

    auth.login(w.s3)  # another supplier at the event reads it
    listing = client.get(f"/events/{w.event.slug}/materials").get_data(as_text=True)
    assert "Information given in a one-to-one meeting" in listing
    info = client.get(f"/meetings/information/{record.id}")
    assert info.status_code == 200 and "2 million euros" in info.get_data(as_text=True)
    auth.logout()
    assert client.get(f"/meetings/information/{record.id}").status_code == 302


def test_buyers_see_which_meetings_miss_minutes(world, client, auth):
    w = world
    held = _meeting(w, slot=0)
    _meeting(w, slot=1, supplier=w.s3, past=False)
    auth.login(w.b2)  # a colleague: the organisation's minutes are missing, not only Erik's
    page = client.get(f"/events/{w.event.slug}/meetings").get_data(as_text=True)
    assert "Minutes missing" in page and f"/meetings/{held.id}/minutes" in page
    assert page.count("/minutes\"") == 1
    minutes.record_minutes(held, w.b1, summary="Done", no_information_given=True, information_given="")
    db.session.commit()
    assert "Minutes missing" not in client.get(f"/events/{w.event.slug}/meetings").get_data(as_text=True)
    auth.login(w.s1)
    assert "Minutes missing" not in client.get(f"/events/{w.event.slug}/meetings").get_data(as_text=True)


def test_record_and_personal_data(world, client, auth, tender):
    from dialogue.meetings import gdpr

    w = world
    meeting = _meeting(w, intent=tender)
    record = minutes.record_minutes(meeting, w.b1, summary="Warranty talk", no_information_given=False,
                                    information_given="Five-year warranty wanted.")
    minutes.publish_minutes(record, w.b1)
    db.session.commit()
    auth.login(w.organiser)
    page = client.get(f"/events/{w.event.slug}/record").get_data(as_text=True)
    assert "Warranty talk" in page and "Five-year warranty wanted." in page and "Fairness" in page
    zipped = client.get(f"/events/{w.event.slug}/record.zip")
    import io
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(zipped.data))
    assert "Warranty talk" in archive.read("meeting_minutes.csv").decode("utf-8-sig")
    fairness_csv = archive.read("meetings_fairness.csv").decode("utf-8-sig")
    assert "City of Malmö" in fairness_csv
    auth.login(w.b1)
    intent_page = client.get(f"/intents/{tender.id}/record").get_data(as_text=True)
    assert "Warranty talk" in intent_page
    intent_zip = zipfile.ZipFile(io.BytesIO(client.get(f"/intents/{tender.id}/record.zip").data))
    assert "Five-year warranty wanted." in intent_zip.read("meeting_minutes.csv").decode("utf-8-sig")

    exported = gdpr.export(w.b1)
    assert exported["meeting_minutes"][0]["summary"] == "Warranty talk"
    gdpr.erase(w.b1)
    db.session.commit()
    db.session.expire_all()
    kept = db.session.scalar(select(MeetingMinutes))
    assert kept.recorded_by_id is None and kept.published_by_id is None and kept.summary == "Warranty talk"
