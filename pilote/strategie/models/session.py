"""The modeller session (the strategy game): participants with roles, rounds, the tables' scenarios, votes and
the minutes' notes."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from pilote.strategie.models.strategy import InstrumentFields, Objective


class ParticipantRole(models.TextChoices):
    ACHETEUR = "acheteur", "Acheteur"
    PRESCRIPTEUR = "prescripteur", "Prescripteur"
    ELU = "elu", "Élu"
    CITOYEN = "citoyen", "Citoyen"
    ACHETEUR_EXTERIEUR = "acheteur_exterieur", "Acheteur extérieur"
    MEDIATEUR = "mediateur", "Médiateur"


class ModellerSession(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation", related_name="modeller_sessions", on_delete=models.PROTECT, verbose_name="organisation"
    )
    objective = models.ForeignKey(Objective, related_name="sessions", on_delete=models.PROTECT)
    title = models.CharField("intitulé", max_length=200)
    envelope = models.DecimalField(
        "enveloppe annuelle (€ HT)",
        max_digits=12,
        decimal_places=0,
        validators=[MinValueValidator(1, "L'enveloppe doit être positive.")],
    )
    constraints_text = models.TextField("contraintes", blank=True)
    join_code = models.CharField("code pour rejoindre", max_length=12, unique=True)
    round_number = models.PositiveSmallIntegerField("tour en cours", default=1)
    is_open = models.BooleanField("ouverte", default=True)
    decided_by_vote = models.BooleanField("décision par vote", default=True)
    chosen_scenario = models.ForeignKey(
        "strategie.Scenario", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_text = models.TextField("décision", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="animée par")
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    # Bumped on every change, so that the polling comparison re-renders only when something moved.
    revision = models.PositiveIntegerField("révision", default=1)

    class Meta:
        verbose_name = "séance de modélisation"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Participant(models.Model):
    """A member of the organisation (user) or an invited guest (token, stored hashed, valid for this session)."""

    session = models.ForeignKey(ModellerSession, related_name="participants", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    name = models.CharField("nom affiché", max_length=80)
    role = models.CharField("rôle", max_length=20, choices=ParticipantRole.choices)
    table = models.CharField("table", max_length=40, default="Table 1")
    token_hash = models.CharField("jeton (empreinte)", max_length=64, blank=True)
    joined_at = models.DateTimeField("arrivé le", auto_now_add=True)

    class Meta:
        verbose_name = "participant"
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], condition=models.Q(user__isnull=False), name="strategie_participant_user"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class Round(models.Model):
    session = models.ForeignKey(ModellerSession, related_name="rounds", on_delete=models.CASCADE)
    number = models.PositiveSmallIntegerField("tour")
    closed_by = models.ForeignKey(Participant, on_delete=models.PROTECT, verbose_name="clos par")
    closed_at = models.DateTimeField("clos le", auto_now_add=True)
    scores = models.JSONField("scores à la clôture", default=list)

    class Meta:
        verbose_name = "tour"
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["session", "number"], name="strategie_round_unique")]

    def __str__(self):
        return f"Tour {self.number}"


class Scenario(models.Model):
    session = models.ForeignKey(ModellerSession, related_name="scenarios", on_delete=models.CASCADE)
    title = models.CharField("scénario", max_length=120)
    table = models.CharField("table", max_length=40)
    created_by = models.ForeignKey(Participant, on_delete=models.PROTECT, verbose_name="proposé par")
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "scénario"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["session", "title"], name="strategie_scenario_unique")]

    def __str__(self):
        return self.title


class ScenarioItem(InstrumentFields):
    scenario = models.ForeignKey(Scenario, related_name="items", on_delete=models.CASCADE)
    axis = models.CharField("axe", max_length=200)
    lever = models.CharField("levier", max_length=200)
    added_by = models.ForeignKey(Participant, on_delete=models.PROTECT, verbose_name="ajouté par")

    class Meta:
        verbose_name = "instrument de scénario"
        ordering = ["pk"]


class Vote(models.Model):
    session = models.ForeignKey(ModellerSession, related_name="votes", on_delete=models.CASCADE)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE)
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE)

    class Meta:
        verbose_name = "vote"
        constraints = [models.UniqueConstraint(fields=["session", "participant"], name="strategie_vote_unique")]

    def __str__(self):
        return f"{self.participant} → {self.scenario}"


class SessionNote(models.Model):
    """A line of the minutes: written by the services on each event, or by the mediator."""

    session = models.ForeignKey(ModellerSession, related_name="notes", on_delete=models.CASCADE)
    round_number = models.PositiveSmallIntegerField("tour")
    author = models.CharField("auteur", max_length=120)
    text = models.TextField("note")
    created_at = models.DateTimeField("écrite le", auto_now_add=True)

    class Meta:
        verbose_name = "note de séance"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text[:80]
