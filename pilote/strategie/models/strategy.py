"""An objective with its indicators and yearly targets; a strategy (axes → levers → instruments) with its versions,
its links to Pilote objects and its deliberation thread."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from pilote.strategie.legal import InstrumentKind, Nature


YEAR = [MinValueValidator(2000, "Année trop ancienne."), MaxValueValidator(2100, "Année trop lointaine.")]


class IndicatorKind(models.TextChoices):
    CONTRAT = "contrat", "Calculé depuis les données des contrats"
    MANUEL = "manuel", "Saisi avec sa source"


class Objective(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation", related_name="objectives", on_delete=models.PROTECT, verbose_name="organisation"
    )
    title = models.CharField("intitulé", max_length=200)
    text = models.TextField("objectif", blank=True)
    territory = models.CharField("territoire", max_length=200)
    horizon = models.PositiveSmallIntegerField("horizon", validators=YEAR)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="créé par")
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "objectif"
        ordering = ["-horizon", "title"]

    def __str__(self):
        return self.title


class Indicator(models.Model):
    objective = models.ForeignKey(Objective, related_name="indicators", on_delete=models.CASCADE)
    label = models.CharField("indicateur", max_length=200)
    kind = models.CharField("type", max_length=10, choices=IndicatorKind.choices)
    # A contract indicator reuses a code of pilote.contracts.indicators.CATALOGUE, optionally on a CPV prefix.
    contract_code = models.CharField("indicateur des contrats", max_length=60, blank=True)
    cpv_prefix = models.CharField("préfixe CPV", max_length=8, blank=True)
    unit = models.CharField("unité", max_length=30, default="%")
    source = models.CharField("source", max_length=300, blank=True)
    baseline_year = models.PositiveSmallIntegerField("année de référence", validators=YEAR)
    baseline_value = models.FloatField("valeur de référence")
    higher_is_better = models.BooleanField("plus haut est mieux", default=True)

    class Meta:
        verbose_name = "indicateur"
        ordering = ["pk"]

    def __str__(self):
        return self.label

    @property
    def key(self) -> str:
        return f"i{self.pk}"


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, related_name="targets", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField("année", validators=YEAR)
    value = models.FloatField("cible")

    class Meta:
        verbose_name = "cible"
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="strategie_target_unique")]

    def __str__(self):
        return f"{self.year} : {self.value}"


class ManualResult(models.Model):
    indicator = models.ForeignKey(Indicator, related_name="results", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField("année", validators=YEAR)
    value = models.FloatField("résultat")
    source = models.CharField("source", max_length=300)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="saisi par")
    entered_at = models.DateTimeField("saisi le", auto_now=True)

    class Meta:
        verbose_name = "résultat saisi"
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="strategie_result_unique")]

    def __str__(self):
        return f"{self.year} : {self.value}"


class Strategy(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation", related_name="strategies", on_delete=models.PROTECT, verbose_name="organisation"
    )
    objective = models.ForeignKey(Objective, related_name="strategies", on_delete=models.PROTECT)
    title = models.CharField("intitulé", max_length=200)
    is_public = models.BooleanField("publier la vue publique", default=False)
    source_scenario = models.ForeignKey(
        "strategie.Scenario", null=True, blank=True, on_delete=models.SET_NULL, verbose_name="scénario adopté"
    )
    created_at = models.DateTimeField("adoptée le", auto_now_add=True)

    class Meta:
        verbose_name = "stratégie"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class StrategyVersion(models.Model):
    strategy = models.ForeignKey(Strategy, related_name="versions", on_delete=models.CASCADE)
    number = models.PositiveIntegerField("version")
    rationale = models.TextField("motif de la révision")
    snapshot = models.JSONField("contenu", default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="auteur")
    created_at = models.DateTimeField("publiée le", auto_now_add=True)

    class Meta:
        verbose_name = "version de stratégie"
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["strategy", "number"], name="strategie_version_unique")]

    def __str__(self):
        return f"{self.strategy} — version {self.number}"


class Axis(models.Model):
    strategy = models.ForeignKey(Strategy, related_name="axes", on_delete=models.CASCADE)
    title = models.CharField("axe", max_length=200)

    class Meta:
        verbose_name = "axe"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["strategy", "title"], name="strategie_axis_unique")]

    def __str__(self):
        return self.title


class Lever(models.Model):
    axis = models.ForeignKey(Axis, related_name="levers", on_delete=models.CASCADE)
    title = models.CharField("levier", max_length=200)
    weight = models.FloatField("poids", default=1, validators=[MinValueValidator(0, "Le poids doit être positif.")])

    class Meta:
        verbose_name = "levier"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["axis", "title"], name="strategie_lever_unique")]

    def __str__(self):
        return self.title


class InstrumentFields(models.Model):
    """What an instrument is, in a strategy or in a scenario: its kind, amount and legal facts."""

    kind = models.CharField("type", max_length=30, choices=InstrumentKind.choices)
    label = models.CharField("instrument", max_length=200)
    nature = models.CharField("nature", max_length=12, choices=Nature.choices, default=Nature.SERVICES)
    annual_amount = models.DecimalField(
        "coût annuel (€ HT)", max_digits=12, decimal_places=0, validators=[MinValueValidator(0, "Montant négatif.")]
    )
    start_year = models.PositiveSmallIntegerField("première année", validators=YEAR)
    end_year = models.PositiveSmallIntegerField("dernière année", validators=YEAR)
    carrier = models.CharField("porté par", max_length=200, blank=True)
    beneficiary_initiative = models.BooleanField("projet à l'initiative du bénéficiaire", default=False)
    ordered_by_organisation = models.BooleanField("prestation définie et commandée par l'organisation", default=False)
    # Declared effect on each indicator of the objective ({"i<id>": points}) and the assumption behind it.
    effects = models.JSONField("effets attendus", default=dict, blank=True)
    assumption = models.TextField("hypothèse", blank=True)
    legal_notes = models.JSONField("route juridique", default=list, blank=True)

    class Meta:
        abstract = True

    @property
    def years(self) -> int:
        return self.end_year - self.start_year + 1

    @property
    def total(self):
        return self.annual_amount * self.years


class InstrumentStatus(models.TextChoices):
    PREVU = "prevu", "Prévu"
    ENGAGE = "engage", "Engagé"
    REALISE = "realise", "Réalisé"


class Instrument(InstrumentFields):
    lever = models.ForeignKey(Lever, related_name="instruments", on_delete=models.CASCADE)
    status = models.CharField("avancement", max_length=10, choices=InstrumentStatus.choices, default="prevu")

    class Meta:
        verbose_name = "instrument"
        ordering = ["pk"]

    def __str__(self):
        return self.label


class InstrumentLink(models.Model):
    """A link to a Pilote object: a census need, a fiche visa, a contract of the data (uid), or a kind registered
    by a later app (pilote.strategie.links)."""

    instrument = models.ForeignKey(Instrument, related_name="links", on_delete=models.CASCADE)
    kind = models.CharField("type de lien", max_length=30)
    ref = models.CharField("référence", max_length=120)
    label = models.CharField("libellé", max_length=300, blank=True)

    class Meta:
        verbose_name = "lien d'instrument"
        constraints = [models.UniqueConstraint(fields=["instrument", "kind", "ref"], name="strategie_link_unique")]

    def __str__(self):
        return self.label or self.ref


class Comment(models.Model):
    """The deliberation thread of a strategy: each comment agrees, disagrees or just speaks."""

    strategy = models.ForeignKey(Strategy, related_name="comments", on_delete=models.CASCADE)
    version = models.ForeignKey(StrategyVersion, null=True, blank=True, on_delete=models.SET_NULL)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="auteur")
    stance = models.CharField(
        "position",
        max_length=10,
        choices=[("accord", "D'accord"), ("desaccord", "Pas d'accord"), ("neutre", "Remarque")],
        default="neutre",
    )
    text = models.TextField("commentaire")
    created_at = models.DateTimeField("écrit le", auto_now_add=True)

    class Meta:
        verbose_name = "commentaire"
        ordering = ["created_at"]

    def __str__(self):
        return self.text[:80]
