"""Keep the objects a process holds for its whole life out of the garbage collector's passes.

CPython's cyclic collector now and then makes a full pass over every container object the
process holds. A service holds well over a hundred thousand of them from its start (modules,
the SQLAlchemy tables, pydantic models, the wired application), none of them garbage, and a
report's request allocates enough to set off a full pass every few requests: measured on a
reporting process, that pass took as long as the report itself (about 180 ms on a loaded
2-core machine), an answer in five or six paid for it. `settle()` moves every object alive at
that moment into the collector's permanent generation, which its passes skip; objects made
later are collected as before.
"""

from __future__ import annotations

import gc


def settle() -> int:
    """Collect what is garbage now, then leave every surviving object out of later passes.
    Call it once the process has built what it keeps. The number of objects set aside."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
