"""System checks that make unsafe production configurations fail loudly (`manage.py check --deploy`)."""

import ipaddress

from django.conf import settings
from django.core.checks import Error, register


@register(deploy=True)
def production_settings(app_configs, **kwargs):
    errors = []
    if not settings.PRODUCTION:
        return errors
    if settings.PILOTE_DEMO:
        errors.append(
            Error(
                "Le mode démonstration (PILOTE_DEMO) est interdit en production.",
                hint="Retirez PILOTE_DEMO de l'environnement de production.",
                id="pilote.E001",
            )
        )
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        errors.append(
            Error(
                "SECRET_KEY n'est pas définie : la clé de développement ne doit pas servir en production.",
                hint="Définissez SECRET_KEY (50 caractères aléatoires au moins) dans l'environnement.",
                id="pilote.E002",
            )
        )
    if settings.DEBUG:
        errors.append(Error("DEBUG doit être désactivé en production.", id="pilote.E003"))
    return errors


@register()
def demo_mode_not_in_production(app_configs, **kwargs):
    # Checked at every start, not only with --deploy: production must never run with demo accounts.
    if settings.PRODUCTION and settings.PILOTE_DEMO:
        return [Error("Le mode démonstration (PILOTE_DEMO) est interdit en production.", id="pilote.E004")]
    return []


@register()
def trusted_proxies_are_addresses(app_configs, **kwargs):
    # A typo here would make every request fail at its first throttle check: refuse it at start instead.
    errors = []
    for proxy in settings.PILOTE_TRUSTED_PROXIES:
        try:
            ipaddress.ip_network(proxy.strip(), strict=False)
        except ValueError:
            errors.append(
                Error(
                    f"PILOTE_TRUSTED_PROXIES : « {proxy} » n'est ni une adresse IP ni un réseau.",
                    hint="Exemple : PILOTE_TRUSTED_PROXIES=127.0.0.1,10.0.0.0/8",
                    id="pilote.E005",
                )
            )
    return errors
