"""Session-slot wake-ups through the real Redis."""

import time

from applications.services import preemption as slots


def test_a_freed_slot_wakes_its_waiter_at_once():
    slots.announce_slot_freed(9001)

    started = time.monotonic()
    assert slots.wait_for_slot_freed(9001, 5) is True
    assert time.monotonic() - started < slots.WAIT_SLICE_SECONDS


def test_a_wait_ends_after_one_slice_so_the_waiter_looks_again():
    # Longer waits would also run into the Redis client's socket timeout (5 s).
    started = time.monotonic()
    assert slots.wait_for_slot_freed(9002, 30) is False
    assert time.monotonic() - started < slots.WAIT_SLICE_SECONDS + 1


def test_a_submit_ending_does_not_wake_a_submit_waiting_for_a_slot():
    slots.announce_submit_ended(9003)

    assert slots.wait_for_slot_freed(9003, 0.1) is False
    assert slots.wait_for_submit_ended(9003, 0.1) is True


def test_wake_ups_nobody_waited_for_do_not_pile_up():
    for _ in range(5):
        slots.announce_slot_freed(9004)

    assert slots.wait_for_slot_freed(9004, 0.1) is True
    # The four others were not kept: the next waiter waits for a new one.
    assert slots.wait_for_slot_freed(9004, 0.1) is False
