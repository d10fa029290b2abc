"""Keeping the garbage collector's full passes off the requests' critical path.

A full (oldest-generation) collection walks every object the collector tracks. A server process
holds about 200,000 of them once started (the knowledge base, compiled templates, SQLAlchemy,
pydantic, numpy and scipy), and a pass over them took 80-200 ms on the benchmark machine, paid
by whichever request happened to trigger it: the occasional 100-140 ms stalls in the p99 of
``benchmarks/web_load.py``. Those objects live as long as the process, so they are moved out of
the collector's sight (:func:`gc.freeze`) once the app has started, and once more after its
first requests have filled the caches that fill on first use (templates, modules imported on
first use, the vocabulary). What requests allocate afterwards is collected as before, and the
many objects that reference counting frees (nearly all) are freed as always."""

from __future__ import annotations

import gc
import threading

#: Freeze again after this many requests: the caches filled on first use are full by then.
SETTLE_AFTER_REQUESTS = 200


class Settler:
    """Counts a process's requests and freezes what has survived at start and after
    :data:`SETTLE_AFTER_REQUESTS` (each once)."""

    def __init__(self, *, enabled: bool = True, after: int = SETTLE_AFTER_REQUESTS) -> None:
        self.enabled = enabled
        self.after = after
        self.seen = 0
        self.settled = 0
        self._lock = threading.Lock()

    def settle(self) -> None:
        """Collect what is garbage now, then freeze the survivors."""
        if not self.enabled:
            return
        gc.collect()
        gc.freeze()
        self.settled += 1

    def request_done(self) -> None:
        with self._lock:
            self.seen += 1
            due = self.seen == self.after
        if due:
            self.settle()
