"""The admission gate's arithmetic, on a fake clock: admit while the estimated wait is within
``max_wait_s``, refuse past it with Retry-After = that wait, learn the service time."""

from __future__ import annotations

import threading

import pytest

from ui.api.admission import AdmissionGate, Refused


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def serve(gate: AdmissionGate, seconds: float, n: int = 1) -> None:
    """``n`` requests that each computed for ``seconds``."""
    for _ in range(n):
        ticket = gate.admit()
        ticket.busy_s = seconds
        gate.release(ticket)


def test_admits_while_the_estimated_wait_is_within_the_limit_then_refuses() -> None:
    gate = AdmissionGate(workers=1, max_wait_s=10, clock=FakeClock())
    serve(gate, 2.0, n=5)  # median service time 2 s
    held = [gate.admit() for _ in range(6)]  # waits 0, 2, 4, 6, 8, 10 s: all within 10 s
    assert gate.estimated_wait() == pytest.approx(12.0)
    with pytest.raises(Refused) as refused:
        gate.admit()
    assert refused.value.retry_after == 12
    assert gate.in_flight == 6  # a refusal takes no place
    gate.release(held.pop())
    gate.admit()  # room again


def test_the_wait_divides_by_the_workers_and_starts_after_they_are_busy() -> None:
    gate = AdmissionGate(workers=2, max_wait_s=1.0, initial_service_s=1.0)
    assert gate.estimated_wait() == 0
    gate.admit()
    assert gate.estimated_wait() == 0  # one worker still free
    gate.admit()
    assert gate.estimated_wait() == pytest.approx(0.5)  # 1 ahead x 1 s / 2 workers
    gate.admit()
    assert gate.estimated_wait() == pytest.approx(1.0)
    gate.admit()
    with pytest.raises(Refused) as refused:
        gate.admit()
    assert refused.value.retry_after == 2  # 1.5 s rounded up: never "Retry-After: 0"


def test_service_time_is_the_median_of_recent_requests_and_ignores_idle_tickets() -> None:
    gate = AdmissionGate(workers=1, max_wait_s=10, initial_service_s=0.3, window=3)
    assert gate.service_time() == 0.3  # before any sample
    serve(gate, 0.1)
    serve(gate, 5.0)  # one slow outlier does not move the median much
    serve(gate, 0.2)
    assert gate.service_time() == pytest.approx(0.2)
    serve(gate, 0.0)  # never computed (bad input, client gone): not a sample
    assert gate.service_time() == pytest.approx(0.2)
    serve(gate, 0.4, n=3)  # the window keeps the most recent ones
    assert gate.service_time() == pytest.approx(0.4)


def test_max_wait_zero_admits_only_while_a_worker_is_free() -> None:
    gate = AdmissionGate(workers=1, max_wait_s=0)
    gate.admit()
    with pytest.raises(Refused):
        gate.admit()


def test_release_is_idempotent_and_thread_safe() -> None:
    gate = AdmissionGate(workers=4, max_wait_s=1e9)

    def work() -> None:
        for _ in range(500):
            ticket = gate.admit()
            ticket.busy_s = 0.01
            gate.release(ticket)
            gate.release(ticket)  # a second release changes nothing

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert gate.in_flight == 0


def test_a_queue_slower_than_its_service_times_is_measured_by_its_completions() -> None:
    """Work outside the workers slows the queue: while saturated, completions 1 s apart mean
    1 s per request even though each computed for 0.1 s."""
    clock = FakeClock()
    gate = AdmissionGate(workers=1, max_wait_s=10, clock=clock)
    tickets = [gate.admit() for _ in range(8)]
    for ticket in tickets[:5]:
        clock.now += 1.0
        ticket.busy_s = 0.1
        gate.release(ticket)
    assert gate.service_time() == pytest.approx(0.1)
    assert gate.estimated_wait() == pytest.approx(3 * 1.0)  # 3 ahead x 1 s, not x 0.1 s


def test_completions_of_an_idle_gate_do_not_count() -> None:
    clock = FakeClock()
    gate = AdmissionGate(workers=1, max_wait_s=10, initial_service_s=0.05, clock=clock)
    for _ in range(5):  # one at a time, minutes apart: the queue never waited
        clock.now += 60
        serve(gate, 0.1)
    held = [gate.admit() for _ in range(3)]
    assert gate.estimated_wait() == pytest.approx(3 * 0.1)
    assert held


def test_a_crowd_at_a_gate_that_never_saw_one_is_admitted_at_the_initial_pace() -> None:  # #13
    """Fast single requests (0.05 s) do not let a first burst queue 200 deep: until the queue
    is measured saturated, a request counts at least the initial service time (0.25 s)."""
    clock = FakeClock()
    gate = AdmissionGate(workers=1, max_wait_s=10, initial_service_s=0.25, clock=clock)
    for _ in range(5):
        clock.now += 60
        serve(gate, 0.05)
    admitted = []
    with pytest.raises(Refused):
        while True:
            admitted.append(gate.admit())
    assert len(admitted) == 41  # waits 0, 0.25, ..., 10 s; not 201 at 0.05 s
    for ticket in admitted[:4]:  # once completions measure the crowd's pace, that is used
        clock.now += 0.05
        ticket.busy_s = 0.05
        gate.release(ticket)
    assert gate.estimated_wait() == pytest.approx((len(admitted) - 4) * 0.05)
