"""The demo's profiles: faithful to the companies, and the same after a second run."""

from sqlalchemy import func, select

from dialogue.extensions import db
from dialogue.models import Organisation, ProfileLabel, ProfileVersion
from dialogue.organisations.profiles import load_profile


def test_demo_profiles_are_built_once(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    counts = db.session.scalar(select(func.count()).select_from(ProfileVersion)), \
        db.session.scalar(select(func.count()).select_from(ProfileLabel))
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert (db.session.scalar(select(func.count()).select_from(ProfileVersion)),
            db.session.scalar(select(func.count()).select_from(ProfileLabel))) == counts

    def profile(slug):
        return load_profile(db.session.scalar(select(Organisation.id).where(Organisation.slug == slug)))

    circular = profile("circular-computing")
    assert circular.sme is True and circular.take_back and circular.refurbishment
    assert [(lbl.scheme.value, lbl.level) for lbl in circular.labels] == [("tco_certified", "Edge")]
    for slug in ("dell", "hp"):
        maker = profile(slug)
        assert maker.sme is False and maker.take_back
        assert {lbl.scheme.value for lbl in maker.labels} == {"epeat", "tco_certified"}
        assert "30231000-7" in {c.code for c in maker.cpv_codes}
    reseller = profile("nordic-it")
    assert reseller.sme and reseller.repair and sorted(r.name for r in reseller.resold) == ["Dell Technologies",
                                                                                           "HP Inc."]
    for p in (circular, reseller, profile("dell"), profile("hp")):
        assert "demo" not in (p.description + p.offering).lower()
        assert all(not any(ch.isdigit() for ch in (lbl.scope or "")) for lbl in p.labels)
