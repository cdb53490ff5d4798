"""Background work yields the processor to the web.

A national import keeps every core busy for minutes; at the same niceness the web workers share the processor
with it and pages wait (benchmark « servir pendant un import », docs/benchmarks.md). The import command and the
task worker raise their own niceness to PILOTE_BACKGROUND_NICE; the processes they start (the readers' pool)
inherit it. Only ever raised: an unprivileged process cannot lower it back, so it is done once, at the start.
"""

import os

from django.conf import settings


def lower_priority(target: int | None = None) -> int:
    """Raise this process's niceness to `target` (default PILOTE_BACKGROUND_NICE) when it is lower; returns the
    niceness now."""
    target = settings.PILOTE_BACKGROUND_NICE if target is None else target
    current = os.nice(0)
    if target > current:
        current = os.nice(min(target, 19) - current)
    return current
