"""Giving memory that Python has freed back to the operating system.

glibc's allocator keeps freed chunks in its heaps for reuse; in a long-running bot whose
allocations come and go in many sizes and threads, the heaps slowly fill with free holes it never
returns. Measured in a 20-minute hold at 32 complaints/s on SQLite: the memory Python had in use
stayed flat (allocated blocks, malloc's bytes in use) while the free bytes glibc kept grew about
1 MiB a minute, and with them the resident size (252 → 269 MiB). ``malloc_trim`` hands those free
pages back; trimmed once a minute, the same hold stayed at 236–237 MiB.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache

TRIM_INTERVAL_SECONDS = 60.0
"""How often ``gridvoice run`` gives freed memory back. A trim took 4–17 ms on a heap of about
200 MB (measured); it runs in a worker thread, and ctypes lets go of the GIL meanwhile."""


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (macOS, musl)."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    trim = getattr(libc, "malloc_trim", None)
    if trim is None:
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim  # type: ignore[no-any-return]


def release_free_memory() -> bool:
    """Return the allocator's free pages to the operating system; False where it cannot
    (nothing is done there, and nothing is needed: other allocators return memory themselves)."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
