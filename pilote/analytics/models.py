"""The organisation's own SPASER targets per year and the support service's comments for the annual report."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class TargetIndicator(models.TextChoices):
    SOCIALE = "part_consideration_sociale", "Part des contrats avec une considération sociale"
    ENVIRONNEMENTALE = (
        "part_consideration_environnementale",
        "Part des contrats avec une considération environnementale",
    )
    INNOVANT = "part_innovant", "Part des marchés innovants"
    PME = "part_pme", "Part des contrats attribués à une PME"
    LOCALE = "part_locale", "Part des contrats dont le titulaire est dans le département de l'acheteur"
    OFFRE_UNIQUE = "taux_offre_unique", "Taux d'offre unique (à ne pas dépasser)"
    PUBLICATION = "part_publication_tardive", "Part des publications tardives (à ne pas dépasser)"


# Targets that are ceilings: progress means being below them.
CEILING_INDICATORS = {TargetIndicator.OFFRE_UNIQUE, TargetIndicator.PUBLICATION}


class SpaserTarget(models.Model):
    """A target of the organisation's SPASER for one indicator and one year, as a percentage."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="spaser_targets", verbose_name="organisation"
    )
    annee = models.PositiveSmallIntegerField("année", validators=[MinValueValidator(2015), MaxValueValidator(2100)])
    indicateur = models.CharField("indicateur", max_length=60, choices=TargetIndicator.choices)
    cible = models.DecimalField(
        "cible (%)",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="modifiée par"
    )
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "objectif du SPASER"
        verbose_name_plural = "objectifs du SPASER"
        ordering = ["-annee", "indicateur"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "annee", "indicateur"], name="analytics_target_org_year_indicator_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_indicateur_display()} {self.annee} : {self.cible} %"

    @property
    def share(self) -> float:
        return float(self.cible) / 100


class ReportComment(models.Model):
    """The support service's comment for one year, printed in the annual report."""

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="report_comments", verbose_name="organisation"
    )
    annee = models.PositiveSmallIntegerField("année", validators=[MinValueValidator(2015), MaxValueValidator(2100)])
    texte = models.TextField("commentaire", max_length=10000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="modifié par"
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "commentaire du rapport annuel"
        verbose_name_plural = "commentaires du rapport annuel"
        ordering = ["-annee"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "annee"], name="analytics_comment_org_year_unique")
        ]

    def __str__(self):
        return f"Commentaire {self.annee}"
