from dialogue.events import access
from dialogue.models import MemberRole, RegistrationState


def test_shared_factories_and_access_rules(make_user, make_event, make_registration, make_intent):
    organiser = make_user(role=MemberRole.ADMIN)
    event = make_event(organiser=organiser)
    supplier_reg = make_registration(event)
    waiting = make_registration(event, state=RegistrationState.WAITLISTED)
    intent = make_intent(organiser.organisation)
    assert event.cohosts[0].organisation_id == organiser.organisation.id
    assert access.is_organiser(event, organiser)
    assert access.is_participant(event, supplier_reg.user)
    assert not access.is_participant(event, waiting.user)
    assert not access.can_check_in(event, supplier_reg.user)
    assert intent.buyer_id == organiser.organisation.id
