"""Production refuses to start unsafely: with PILOTE_ENV=production, the development secret key (public, so
anyone could sign sessions and password-reset tokens), demo mode (known accounts and passwords) or DEBUG stop
the settings from loading. Every entry point loads them first: gunicorn's workers fail to boot (gunicorn then
stops), every management command exits with the French message (manage.py), before any request is served.

The system checks of pilote.core.checks say the same for `check --deploy` on settings changed at run time."""

from django.core.exceptions import ImproperlyConfigured


class UnsafeProduction(ImproperlyConfigured):
    pass


def unsafe_production_reasons(*, secret_key: str, dev_secret_key: str, demo: bool, debug: bool) -> list[str]:
    reasons = []
    if secret_key == dev_secret_key or len(secret_key) < 32:
        reasons.append("SECRET_KEY est la clé de développement (ou trop courte) : définissez une clé secrète propre.")
    if demo:
        reasons.append("PILOTE_DEMO est activé : le mode démonstration est interdit en production.")
    if debug:
        reasons.append("DEBUG est activé : il doit être désactivé en production.")
    return reasons


def refuse_unsafe_production(**settings) -> None:
    reasons = unsafe_production_reasons(**settings)
    if reasons:
        lines = "\n".join(f"  - {reason}" for reason in reasons)
        raise UnsafeProduction(f"Pilote refuse de démarrer en production (PILOTE_ENV=production) :\n{lines}")
