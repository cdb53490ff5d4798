"""Registry of the readiness checks of /healthz.

Core knows only the database. An app that owns something the web process needs registers a check in its
AppConfig.ready: `register_check("analytics", function)`, where `function()` returns a dict with a "status" of
"ok", "vide" (nothing to serve yet, still ready), "absent" or "erreur" (not ready: /healthz answers 503), and
optional details. A check reports the failures it expects itself; an unexpected exception propagates (the probe
fails loudly instead of hiding a bug as a status)."""

from collections.abc import Callable


HealthCheck = Callable[[], dict]
NOT_READY = "erreur"

_CHECKS: dict[str, HealthCheck] = {}


def register_check(name: str, check: HealthCheck) -> None:
    """Add `check` under `name` (the key of its report in /healthz). Registering a name twice is a bug."""
    if name in _CHECKS and _CHECKS[name] is not check:
        raise ValueError(f"health check {name!r} is already registered")
    _CHECKS[name] = check


def registered_checks() -> dict[str, HealthCheck]:
    return dict(_CHECKS)


def run_checks() -> dict[str, dict]:
    """Each registered check's report, by name."""
    return {name: check() for name, check in _CHECKS.items()}
