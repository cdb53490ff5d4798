from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pilote.core"
    label = "core"
    verbose_name = "organisations et personnes"

    def ready(self):
        from pilote.core import checks  # noqa: F401  (registers the system checks)
