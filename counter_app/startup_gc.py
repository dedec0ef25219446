"""No garbage collection while the window starts.

Start-up allocates hundreds of thousands of objects that live all day (modules, classes,
Qt wrappers), and every 700 allocations the collector walks them again: ~40 collections,
5-6 ms of CPU before the login window is painted. `pause()` is called before Qt is
imported; `resume()` once the login window is painted freezes what start-up made
(`gc.freeze`: the day's collections never scan it again) and turns collection back on.
`resume()` does nothing in a process that did not `pause()` (the tests' windows).
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Stop automatic collection until `resume()` (if it is on)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what exists now and collect again; only after `pause()`."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
