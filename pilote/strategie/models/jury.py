"""The citizen jury: its mandate, quotas, volunteers (personal data under the GDPR), draw, members and opinions."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from pilote.strategie.models.strategy import Strategy, StrategyVersion


class Jury(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation", related_name="juries", on_delete=models.PROTECT, verbose_name="organisation"
    )
    title = models.CharField("intitulé", max_length=200)
    mandate = models.TextField("mandat")
    strategy = models.ForeignKey(
        Strategy, null=True, blank=True, on_delete=models.SET_NULL, related_name="juries", verbose_name="stratégie"
    )
    term_start = models.DateField("début du mandat")
    term_end = models.DateField("fin du mandat")
    size = models.PositiveSmallIntegerField("nombre de membres", validators=[MinValueValidator(1, "Au moins 1.")])
    purpose = models.TextField("finalité du traitement des données")
    retention_until = models.DateField("données conservées jusqu'au")
    seed_commitment = models.CharField("empreinte de la graine publiée", max_length=64, blank=True)
    seed_published_at = models.DateTimeField("graine publiée le", null=True, blank=True)
    seed = models.CharField("graine (révélée au tirage)", max_length=200, blank=True)
    pool_fingerprint = models.CharField("empreinte des volontaires", max_length=64, blank=True)
    drawn_at = models.DateTimeField("tiré le", null=True, blank=True)
    probabilities = models.JSONField("probabilités de sélection", default=dict, blank=True)
    reserve = models.JSONField("liste de remplacement", default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="créé par")

    class Meta:
        verbose_name = "jury citoyen"
        ordering = ["-term_start"]

    def __str__(self):
        return self.title


class Quota(models.Model):
    jury = models.ForeignKey(Jury, related_name="quotas", on_delete=models.CASCADE)
    category = models.CharField("catégorie", max_length=60)
    value = models.CharField("valeur", max_length=60)
    minimum = models.PositiveSmallIntegerField("minimum")
    maximum = models.PositiveSmallIntegerField("maximum")

    class Meta:
        verbose_name = "quota"
        ordering = ["category", "value"]
        constraints = [models.UniqueConstraint(fields=["jury", "category", "value"], name="strategie_quota_unique")]

    def __str__(self):
        return f"{self.category} = {self.value}"


class Volunteer(models.Model):
    """A volunteer: personal data kept for the jury's purpose until its retention date, then erased."""

    jury = models.ForeignKey(Jury, related_name="volunteers", on_delete=models.CASCADE)
    name = models.CharField("nom", max_length=120)
    email = models.EmailField("e-mail", blank=True)
    strata = models.JSONField("strates", default=dict, blank=True)
    employer_siren = models.CharField("numéro SIREN de l'employeur", max_length=9, blank=True)
    company_siren = models.CharField("numéro SIREN de son entreprise", max_length=9, blank=True)
    interests = models.TextField("déclaration d'intérêts", blank=True)
    consent_at = models.DateTimeField("consentement le")
    erased = models.BooleanField("données effacées", default=False)

    class Meta:
        verbose_name = "volontaire"
        ordering = ["pk"]

    def __str__(self):
        return self.name


class JuryMember(models.Model):
    jury = models.ForeignKey(Jury, related_name="members", on_delete=models.CASCADE)
    volunteer = models.OneToOneField(Volunteer, on_delete=models.CASCADE, related_name="membership")
    rank = models.PositiveSmallIntegerField("rang du tirage")
    active = models.BooleanField("en fonction", default=True)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, verbose_name="remplace")
    conflicts = models.JSONField("titulaires de contrats liés", default=list, blank=True)

    class Meta:
        verbose_name = "membre du jury"
        ordering = ["rank"]

    def __str__(self):
        return f"{self.volunteer} (rang {self.rank})"


class Verdict(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    RESERVES = "reserves", "Favorable avec réserves"
    DEFAVORABLE = "defavorable", "Défavorable"


class Opinion(models.Model):
    jury = models.ForeignKey(Jury, related_name="opinions", on_delete=models.CASCADE)
    version = models.ForeignKey(
        StrategyVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="opinions"
    )
    subject = models.CharField("objet de l'avis", max_length=200)
    verdict = models.CharField("avis", max_length=12, choices=Verdict.choices)
    reasons = models.TextField("motifs")
    minority = models.TextField("avis minoritaire", blank=True)
    published_at = models.DateTimeField("publié le", auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="enregistré par")

    class Meta:
        verbose_name = "avis du jury"
        ordering = ["-published_at"]

    def __str__(self):
        return f"{self.get_verdict_display()} — {self.subject}"
