import datetime as dt

from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.materials import demo
from dialogue.materials.filetypes import detect
from dialogue.models import AgendaSession, Material, MaterialVersion, MemberRole, SessionKind, SessionSpeaker
from tests.materials.conftest import stored_files


def test_demo_adds_generated_pdfs_to_the_demo_events_once(app, make_user, make_event, upload_dir):
    organiser = make_user(role=MemberRole.ADMIN)
    speaker = make_user()
    admin = make_user(admin=True, with_org=False)
    event = make_event(organiser=organiser, slug="nordic-forum-smartphones")
    titles = ["Buyers' plans", "Coffee", "Supplier solutions", "Open discussion"]
    kinds = [SessionKind.BUYER_PRESENTATION, SessionKind.BREAK, SessionKind.SUPPLIER_PITCH, SessionKind.PANEL]
    for n, (title, kind) in enumerate(zip(titles, kinds, strict=True)):
        session = AgendaSession(event=event, title=title, kind=kind,
                                starts_at=event.starts_at + dt.timedelta(hours=n),
                                ends_at=event.starts_at + dt.timedelta(hours=n, minutes=45))
        db.session.add(session)
        if n == 2:
            db.session.add(SessionSpeaker(session=session, user=speaker))
    db.session.commit()
    world = {"people": {"organiser": organiser}, "admin": admin, "orgs": {}, "large": False}

    demo.build(world)  # "make-ict-fair-2018" does not exist here: skipped, no crash
    db.session.commit()
    demo.build(world)
    db.session.commit()

    materials = db.session.scalars(select(Material).order_by(Material.id)).all()
    assert [m.title for m in materials] == ["Programme and background", "Slides: Buyers' plans",
                                            "Slides: Supplier solutions"]  # the last session is left to remind
    assert materials[0].uploaded_by_id == organiser.id and materials[2].uploaded_by_id == speaker.id
    assert db.session.scalar(select(func.count()).select_from(MaterialVersion)) == 3
    for version in db.session.scalars(select(MaterialVersion)):
        path = upload_dir / version.sha256
        assert detect(path, path.read_bytes()[:8192]) == "application/pdf"
    assert len(stored_files(upload_dir)) == 3


def test_demo_without_events_does_nothing(app, make_user):
    demo.build({"people": {}, "admin": make_user(admin=True), "orgs": {}, "large": False})
    assert db.session.scalar(select(func.count()).select_from(Material)) == 0
