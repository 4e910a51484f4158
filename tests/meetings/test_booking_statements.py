"""A self-booking is the request a whole crowd sends at once when a calendar opens: the statements it
issues are counted, so a check loaded twice or a lazy load in a loop cannot creep back in unnoticed."""

from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import Meeting, MeetingMode, OutboxMessage
from tests.conftest import keep_signed_in

# One booking: the event with its settings, both registrations and who of the two is held in the
# chosen slot (one statement; the person and the buyer are kept since the page was shown), the slot's
# lock, who is busy, a free table, the meeting, its participants and the two invitations with their
# calendar files (PostgreSQL inserts the rows of a table in one statement, SQLite one at a time). A
# refusal ("just taken") is that one read; the page that shows it adds only where the two people are
# held (it wrote nothing, so none of it is read again): the event's slots, the buyer and the buyer's
# planned tenders are kept since the page was first shown.
MOST_FOR_A_BOOKING = {"postgresql": 8, "sqlite": 11}
MOST_FOR_A_REFUSAL = 2


def post_counted(app, client, url: str, data: dict):
    counted = []
    with app.app_context():
        engine = db.engine
    listener = lambda _conn, _cursor, statement, *_args: counted.append(statement)  # noqa: E731
    sa_event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.post(url, data=data)
    finally:
        sa_event.remove(engine, "before_cursor_execute", listener)
    return response, counted


def test_a_booking_and_a_refusal_issue_a_bounded_number_of_statements(app, world, client, auth, outbox, is_postgres):
    w = world
    w.settings.mode = MeetingMode.SELF_BOOKING
    db.session.commit()
    url = f"/events/{w.event.slug}/meetings/book/{w.b1.id}"
    auth.login(w.s1)
    assert client.get(url).status_code == 200

    booked, statements = post_counted(app, client, url, {"slot": str(w.slots[0].id), "topic": "Phones"})
    assert booked.status_code == 303 and "/meetings/" in booked.headers["Location"]
    assert len(statements) <= MOST_FOR_A_BOOKING["postgresql" if is_postgres else "sqlite"], "\n".join(statements)
    # Nothing of it was skipped: the meeting and both invitations are written, in the same transaction.
    assert db.session.scalar(select(func.count(Meeting.id))) == 1
    invitations = outbox("meetings.invitation")
    assert sorted(m.recipients[0] for m in invitations) == sorted([w.b1.email, w.s1.email])
    assert all(m.attachments for m in invitations)

    auth.login(w.s3)
    keep_signed_in(client)
    taken, statements = post_counted(app, client, url, {"slot": str(w.slots[0].id), "topic": "Laptops"})
    assert taken.status_code == 409 and "just taken" in taken.get_data(as_text=True)
    assert len(statements) <= MOST_FOR_A_REFUSAL, "\n".join(statements)
    assert db.session.scalar(select(func.count(Meeting.id))) == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 2
