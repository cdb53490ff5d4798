"""Annual census of needs (recensement des besoins): a campaign per organisation and year, the services
invited to it, and the needs they declare (typed in a form or imported from a spreadsheet)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class CampaignStatus(models.TextChoices):
    OUVERTE = "ouverte", "Ouverte"
    CLOSE = "close", "Close"


class Recurrence(models.TextChoices):
    PONCTUEL = "ponctuel", "Ponctuel"
    ANNUEL = "annuel", "Annuel (récurrent)"
    PLURIANNUEL = "pluriannuel", "Pluriannuel"


class NeedSource(models.TextChoices):
    SAISIE = "saisie", "Saisi dans le formulaire"
    IMPORT = "import", "Importé d'un tableur"
    RENOUVELLEMENT = "renouvellement", "Repris d'un contrat à renouveler"


class Campaign(models.Model):
    """One census per organisation and year, opened by the support service."""

    organisation = models.ForeignKey(
        "core.Organisation", related_name="census_campaigns", on_delete=models.PROTECT, verbose_name="organisation"
    )
    year = models.PositiveSmallIntegerField(
        "année recensée", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField("intitulé", max_length=200)
    deadline = models.DateField("date limite de saisie")
    # Set by the organisation: needs at or above it must go through a fiche visa.
    big_purchase_threshold = models.DecimalField(
        "seuil de la fiche visa obligatoire (€ HT)",
        max_digits=14,
        decimal_places=2,
        default=90000,
        validators=[MinValueValidator(1, "Le seuil doit être supérieur à 0 € HT.")],
    )
    status = models.CharField("état", max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OUVERTE)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT, verbose_name="ouverte par"
    )
    opened_at = models.DateTimeField("ouverte le", auto_now_add=True)

    class Meta:
        verbose_name = "campagne de recensement"
        verbose_name_plural = "campagnes de recensement"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="recensement_campaign_org_year_unique")
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OUVERTE

    @property
    def is_late(self) -> bool:
        """Past the deadline but not closed: late needs are still accepted until the support service closes."""
        from django.utils import timezone

        return self.is_open and timezone.localdate() > self.deadline


class CampaignService(models.Model):
    """A service (direction, site manager...) invited to declare its needs in a campaign."""

    campaign = models.ForeignKey(Campaign, related_name="services", on_delete=models.PROTECT, verbose_name="campagne")
    name = models.CharField("service", max_length=200)

    class Meta:
        verbose_name = "service invité"
        verbose_name_plural = "services invités"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="recensement_service_campaign_name_unique")
        ]

    def __str__(self):
        return self.name


class Need(models.Model):
    """One need declared by a service for the year of the campaign."""

    campaign = models.ForeignKey(Campaign, related_name="needs", on_delete=models.PROTECT, verbose_name="campagne")
    service = models.ForeignKey(
        CampaignService, related_name="needs", on_delete=models.PROTECT, verbose_name="service"
    )
    objet = models.CharField("objet", max_length=300)
    description = models.TextField("description", blank=True)
    code_cpv = models.CharField("code CPV", max_length=8, blank=True)
    # True when the code was suggested from the text (import without CPV): to be confirmed by the service.
    cpv_suggere = models.BooleanField("code CPV suggéré automatiquement", default=False)
    segment = models.ForeignKey(
        "clauses.Segment",
        null=True,
        blank=True,
        related_name="census_needs",
        on_delete=models.PROTECT,
        verbose_name="segment d'achat",
    )
    montant_estime = models.DecimalField(
        "montant estimé pour l'année (€ HT)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(1, "Le montant estimé doit être supérieur à 0 € HT.")],
    )
    recurrence = models.CharField("récurrence", max_length=20, choices=Recurrence.choices, default=Recurrence.PONCTUEL)
    date_souhaitee = models.DateField("date souhaitée", null=True, blank=True)
    site = models.CharField("site", max_length=200, blank=True)
    contrat_en_cours = models.CharField("contrat en cours", max_length=200, blank=True)
    date_fin_contrat = models.DateField("date de fin du contrat en cours", null=True, blank=True)
    renouvellement = models.BooleanField("renouvellement d'un contrat", default=False)
    source = models.CharField("origine", max_length=20, choices=NeedSource.choices, default=NeedSource.SAISIE)
    fiche = models.ForeignKey(
        "fiches.Fiche",
        null=True,
        blank=True,
        related_name="census_needs",
        on_delete=models.PROTECT,
        verbose_name="fiche visa",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT, verbose_name="saisi par"
    )
    created_at = models.DateTimeField("saisi le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "besoin"
        verbose_name_plural = "besoins"
        ordering = ["service__name", "objet"]

    def __str__(self):
        return self.objet

    @property
    def is_big_purchase(self) -> bool:
        return self.montant_estime >= self.campaign.big_purchase_threshold

    @property
    def quarter(self) -> int | None:
        return None if self.date_souhaitee is None else (self.date_souhaitee.month - 1) // 3 + 1
