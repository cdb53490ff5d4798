from django.apps import AppConfig


class RecensementConfig(AppConfig):
    name = "pilote.recensement"
    label = "recensement"
