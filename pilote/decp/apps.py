from django.apps import AppConfig


def store_health() -> dict:
    """Readiness of the analytics store for /healthz (registered with pilote.core.health)."""
    from pilote.decp.store import current_manifest  # same app; polars is loaded on the first probe, not at startup

    try:
        manifest = current_manifest()
    except (OSError, ValueError) as error:  # unreadable or corrupt manifest: "not ready", shown as such
        return {"status": "erreur", "detail": error.__class__.__name__}
    if manifest is None:
        return {"status": "vide", "detail": "aucune donnée importée"}
    return {"status": "ok", "generation": manifest.get("generation")}


def interrupted_runs_job() -> str:
    """Start-up housekeeping (pilote.core.startup): runs killed with a previous worker become « interrompu »."""
    from pilote.decp.tasks import mark_interrupted_runs  # same app; the models are ready when jobs run

    count = mark_interrupted_runs()
    return f"{count} import(s) interrompu(s) par un arrêt du serveur, marqué(s) comme tels" if count else ""


class DecpConfig(AppConfig):
    name = "pilote.decp"
    label = "decp"

    def ready(self):
        from pilote.core.audit import register_verbs
        from pilote.core.demos import register_demo
        from pilote.core.health import register_check
        from pilote.core.permissions import SUPPORT_ROLES
        from pilote.core.startup import register_startup
        from pilote.decp.audit import DecpVerb
        from pilote.decp.services import prepare_demo
        from pilote.ui.navigation import register

        register("Données", "decp:imports", SUPPORT_ROLES, 70)
        register_verbs(DecpVerb)
        register_check("analytics", store_health)
        register_demo(prepare_demo)
        register_startup("imports DECP", interrupted_runs_job)
