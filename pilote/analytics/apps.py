from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "pilote.analytics"
    label = "analytics"
