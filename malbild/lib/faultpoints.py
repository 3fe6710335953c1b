"""Named points where a fault test may hold the program still, so that the test (not the clock)
decides the moment a fault strikes.

`bench/faults.py` kills the worker in the middle of an import. Waiting "long enough" for the
write to be under way raced the import itself: on a quiet machine the whole file was written and
committed before the kill came. Instead the test sets

    MALBILD_FAULT_PAUSE=<point>:<lock file>

for the process it means to kill, holds an exclusive flock on the lock file, and waits for
`<lock file>.reached`. The process, on reaching the named point, writes that file and then waits
for a shared flock on the lock file, which it gets only when the test lets go (after the kill,
or when the test gives up). Without the variable, or at any other point, `pause()` does nothing.

The points:

- ``imports.written``: every row of an import is written and its transaction is still open
  (`imports/measurements.py`).
"""

import fcntl
import os
from pathlib import Path

ENVIRONMENT = "MALBILD_FAULT_PAUSE"
POINTS = frozenset({"imports.written"})


def pause(point: str) -> None:
    """Hold still at `point` while a fault test asks for it (see the module's docstring)."""
    if point not in POINTS:
        raise ValueError(f"{point!r} is not a declared fault point")
    wanted = os.environ.get(ENVIRONMENT, "")
    if not wanted:
        return
    name, _, lock_file = wanted.partition(":")
    if name != point or not lock_file:
        return
    with open(lock_file, "rb") as lock:
        # Say so only once the file is open: the test may remove it as soon as it reads this.
        Path(f"{lock_file}.reached").write_text(str(os.getpid()))
        fcntl.flock(lock, fcntl.LOCK_SH)
