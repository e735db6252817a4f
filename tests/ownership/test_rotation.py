"""The walk-in duty rotation (轮排, R-ARC-08): turns, away and back, the manager's edits."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from archives.ownership import rotation

pytestmark = pytest.mark.django_db


def take_turn(project):
    return rotation.next_on_duty(project=project, day=timezone.localdate())


def test_each_unnamed_walk_in_goes_to_the_next_consultant_in_turn(
    project, roster, owner, colleague, third
):
    """R-ARC-08: the day's queue is served in order and starts again at the top."""
    served = [take_turn(project) for _ in range(4)]
    assert served == [owner, colleague, third, owner]


def test_a_consultant_away_is_skipped_without_losing_their_turn(
    project, roster, receptionist, owner, colleague, third
):
    """R-ARC-08: away → passed over, keeping the place at the front; back → served next."""
    first = rotation.slots_of(roster)[0]
    rotation.set_away(slot=first, away=True, by=receptionist)
    assert [take_turn(project), take_turn(project)] == [colleague, third]
    rotation.set_away(slot=first, away=False, by=receptionist)
    assert take_turn(project) == owner
    assert take_turn(project) == colleague


def test_the_manager_edits_the_rotation(
    project, roster, manager, owner, colleague, third, make_user
):
    """R-ARC-08: the manager reorders, adds and removes consultants."""
    from crm.roles import Role

    slots = rotation.slots_of(roster)
    rotation.move_slot(slot=slots[2], up=True, by=manager)
    assert [s.consultant for s in rotation.slots_of(roster)] == [owner, third, colleague]
    newcomer = make_user(Role.SALES_CONSULTANT, name="赵磊")
    rotation.add_to_roster(roster=roster, consultant=newcomer, by=manager)
    rotation.remove_from_roster(slot=rotation.slots_of(roster)[0], by=manager)
    assert [s.consultant for s in rotation.slots_of(roster)] == [third, colleague, newcomer]
    with pytest.raises(ValidationError):
        rotation.add_to_roster(roster=roster, consultant=third, by=manager)


def test_only_the_manager_edits_and_only_staff_at_the_desk_mark_away(
    project, roster, owner, colleague, receptionist, outsider
):
    slots = rotation.slots_of(roster)
    with pytest.raises(PermissionDenied):
        rotation.move_slot(slot=slots[1], up=True, by=owner)
    with pytest.raises(PermissionDenied):
        rotation.set_away(slot=slots[1], away=True, by=owner)  # a colleague's place
    with pytest.raises(PermissionDenied):
        rotation.set_away(slot=slots[0], away=True, by=outsider)
    rotation.set_away(slot=slots[0], away=True, by=owner)  # one's own place
    assert [s.consultant for s in rotation.slots_of(roster)][:2] == [owner, colleague]


def test_a_new_rotation_starts_from_the_last_ones_order(project, roster, manager, owner):
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    take_turn(project)  # today's queue has moved on; tomorrow starts from today's order
    new = rotation.create_roster(project=project, day=tomorrow, by=manager)
    assert len(rotation.slots_of(new)) == 3
    with pytest.raises(ValidationError):
        rotation.create_roster(project=project, day=tomorrow, by=manager)
