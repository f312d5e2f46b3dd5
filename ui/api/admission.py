"""The admission gate: one queue, sized in seconds of waiting rather than in requests.

Every route that computes an answer or a search (and the chat's handlers) enters the gate
before it computes. A request is admitted while its estimated wait,

    requests ahead of it x recent median service time / workers,

is within ``max_wait_s``; past that it is refused at once with the estimated wait, which the
API sends as ``Retry-After`` (so a client, or a load balancer, knows when to try again).

"Requests ahead" are those admitted beyond the ones the workers are already computing: with
fewer requests in flight than workers, a newcomer starts at once. Service time is what an
admitted request spent computing on a worker (not waiting for one), so the estimate does not
feed on itself as the queue grows. Work outside the workers (HTTP, JSON, trace writes, other
processes on the machine) also slows the queue down, so while the workers are saturated the
gate also measures the interval between completions, and uses it when it is the longer
(measured: without it, admitted requests at 200 clients waited 1.7x the estimate). The gate is thread-safe (the chat's handlers run in
threads) and takes its clock as a parameter so its arithmetic is tested without sleeping.
"""

from __future__ import annotations

import math
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


class Refused(Exception):
    """The estimated wait is over the limit; ``retry_after`` is that wait in whole seconds."""

    def __init__(self, retry_after: int, estimated_wait_s: float) -> None:
        super().__init__(f"estimated wait {estimated_wait_s:.1f} s")
        self.retry_after = retry_after
        self.estimated_wait_s = estimated_wait_s


@dataclass(slots=True, eq=False)  # hashed by identity: it borrows a worker token
class Ticket:
    """One admitted request: when it was admitted and how long it has computed so far."""

    admitted_at: float
    busy_s: float = 0.0
    released: bool = field(default=False)
    held_since: float | None = None  # a stream holding a worker for its whole computation


class AdmissionGate:
    """Admit or refuse requests by their estimated wait (see the module docstring)."""

    def __init__(
        self,
        workers: int,
        max_wait_s: float,
        *,
        initial_service_s: float = 0.25,
        window: int = 64,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.workers = max(1, workers)
        self.max_wait_s = max_wait_s
        self.clock = clock
        # Before any request has finished, assume this service time (the median of a cold
        # extractive answer on 2 cores is well under it); real samples replace it.
        self._initial_service_s = initial_service_s
        self._samples: deque[float] = deque(maxlen=window)
        self._intervals: deque[float] = deque(maxlen=window)  # between completions, saturated
        self._last_done: float | None = None
        self._saturated = False  # the workers stayed busy since the last completion
        self._in_flight = 0
        self._lock = threading.Lock()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def service_time(self) -> float:
        """Median service time of the recent requests (seconds)."""
        with self._lock:
            return self._median()

    def _median(self) -> float:
        return statistics.median(self._samples) if self._samples else self._initial_service_s

    def _per_request(self) -> float:
        """Seconds the queue takes to move by one request.

        Until the queue has been measured saturated (3 completions), no less than the initial
        service time: requests answered one at a time say little of a crowd's pace (measured:
        200 clients arriving at once at a gate that had seen only single warm requests, ~0.08 s
        each, were admitted 125 deep and the last waited 21 s against ``max_wait_s`` 10 s).
        """
        per = self._median() / self.workers
        if len(self._intervals) >= 3:
            return max(per, statistics.median(self._intervals))
        return max(per, self._initial_service_s / self.workers)

    def _wait_with(self, in_flight: int) -> float:
        ahead = max(0, in_flight - self.workers + 1)
        return ahead * self._per_request()

    def estimated_wait(self) -> float:
        """The wait a request arriving now would have, in seconds."""
        with self._lock:
            return self._wait_with(self._in_flight)

    def admit(self) -> Ticket:
        """A ticket for a request that may wait its turn, or ``Refused`` with the wait."""
        with self._lock:
            wait = self._wait_with(self._in_flight)
            if wait > self.max_wait_s:
                raise Refused(max(1, math.ceil(wait)), wait)
            self._in_flight += 1
            return Ticket(self.clock())

    def release(self, ticket: Ticket) -> None:
        """Give back ``ticket``'s place and learn from its service time (idempotent)."""
        with self._lock:
            if ticket.released:
                return
            ticket.released = True
            self._in_flight -= 1
            now = self.clock()
            if ticket.busy_s > 0:
                if self._saturated and self._last_done is not None:
                    self._intervals.append(now - self._last_done)
                self._last_done = now
                self._saturated = self._in_flight >= self.workers
            # A request that never reached a worker (refused input, client gone) says nothing
            # about service time.
            if ticket.busy_s > 0:
                self._samples.append(ticket.busy_s)
