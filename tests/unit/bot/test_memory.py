"""Freed memory goes back to the operating system (glibc), so a long-running bot stays its size."""

from __future__ import annotations

import gc
import platform
from pathlib import Path

import pytest

from bot.memory import release_free_memory

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


def resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's; other allocators return memory")
def test_freed_memory_goes_back_to_the_operating_system() -> None:
    # 200 MiB in 2-KiB pieces (glibc's, not Python's small-object allocator), then free all but
    # every 64th: the survivors pin the heap, so the freed pages stay resident until trimmed.
    pieces = [n.to_bytes(4, "little") * 512 for n in range(100_000)]  # written: resident
    survivors = pieces[::64]
    del pieces
    gc.collect()
    before = resident_mib()

    assert release_free_memory() is True

    after = resident_mib()
    assert before - after > 100, f"RSS {before:.0f} → {after:.0f} MiB"
    assert [s[:4] for s in survivors[:2]] == [bytes(4), (64).to_bytes(4, "little")]  # intact
