"""Training catalogue (université ouverte de l'achat public): modules, their sessions and enrolments with a
waiting list. Attendance builds each person's training history; modules marked `qualifies_reservist`
make a volunteer a reservist once attended."""

from django.conf import settings
from django.db import models

from pilote.core.models import Organisation


class Audience(models.TextChoices):
    TOUS = "tous", "Tous les agents"
    PRESCRIPTEURS = "prescripteurs", "Prescripteurs"
    ACHETEURS = "acheteurs", "Acheteurs"
    ENCADRANTS = "encadrants", "Encadrants et élus"


class Module(models.Model):
    organisation = models.ForeignKey(
        Organisation, related_name="training_modules", on_delete=models.PROTECT, verbose_name="organisation"
    )
    title = models.CharField("intitulé", max_length=200)
    subject = models.TextField("objectifs et contenu")
    audience = models.CharField("public", max_length=20, choices=Audience.choices, default=Audience.TOUS)
    duration_hours = models.DecimalField("durée (heures)", max_digits=5, decimal_places=1)
    prerequisites = models.TextField("prérequis", blank=True)
    qualifies_reservist = models.BooleanField(
        "qualifie pour la réserve de l'achat",
        default=False,
        help_text="Une personne volontaire qui a suivi tous les modules ainsi choisis devient réserviste.",
    )
    is_demo = models.BooleanField("donnée de démonstration", default=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "module de formation"
        verbose_name_plural = "modules de formation"
        ordering = ["title"]

    def __str__(self):
        return self.title


class TrainingSession(models.Model):
    module = models.ForeignKey(Module, related_name="sessions", on_delete=models.PROTECT, verbose_name="module")
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    online = models.BooleanField("à distance", default=False)
    place = models.CharField("lieu ou lien de connexion", max_length=300)
    seats = models.PositiveIntegerField("nombre de places")
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "session de formation"
        verbose_name_plural = "sessions de formation"
        ordering = ["starts_at"]

    def __str__(self):
        return f"{self.module} — {self.starts_at:%d/%m/%Y}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "La fin de la session doit être après son début."})

    @property
    def confirmed_count(self) -> int:
        return self.enrolments.filter(status=EnrolmentStatus.INSCRIT).count()

    @property
    def waiting_count(self) -> int:
        return self.enrolments.filter(status=EnrolmentStatus.ATTENTE).count()

    @property
    def free_seats(self) -> int:
        return max(self.seats - self.confirmed_count, 0)


class EnrolmentStatus(models.TextChoices):
    INSCRIT = "inscrit", "Inscrit·e"
    ATTENTE = "attente", "Liste d'attente"
    ANNULE = "annule", "Désinscrit·e"


class Enrolment(models.Model):
    session = models.ForeignKey(
        TrainingSession, related_name="enrolments", on_delete=models.PROTECT, verbose_name="session"
    )
    person = models.ForeignKey(
        "annuaire.Person", related_name="enrolments", on_delete=models.PROTECT, verbose_name="personne"
    )
    status = models.CharField("statut", max_length=10, choices=EnrolmentStatus.choices)
    # The waiting list is served in order of request: re-enrolling after a cancellation goes to its end.
    requested_at = models.DateTimeField("demandée le")
    attended = models.BooleanField("présence", null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="inscrit par",
    )

    class Meta:
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="annuaire_enrolment_session_person_unique")
        ]

    def __str__(self):
        return f"{self.person} — {self.session} ({self.get_status_display()})"
