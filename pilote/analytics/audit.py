"""Audit verbs of the cockpit (registered in AnalyticsConfig.ready)."""

from django.db import models


class AnalyticsVerb(models.TextChoices):
    TARGET_SET = "analytics.target_set", "objectif SPASER fixé"
    TARGET_DELETED = "analytics.target_deleted", "objectif SPASER supprimé"
    COMMENT_SAVED = "analytics.comment_saved", "commentaire du rapport annuel enregistré"
