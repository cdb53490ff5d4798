"""Reserve of public procurement (réserve de l'achat): an organisation asks for help on a subject and
segment for given dates; a reservist (a trained volunteer, possibly of a partner organisation) is chosen
among the suggestions, the mission is followed with notes and closed with feedback."""

from django.conf import settings
from django.db import models

from pilote.core.models import Organisation


class RequestStatus(models.TextChoices):
    OUVERTE = "ouverte", "Ouverte"
    ACCEPTEE = "acceptee", "Acceptée (en cours)"
    CLOSE = "close", "Close"


class ReservistRequest(models.Model):
    organisation = models.ForeignKey(
        Organisation, related_name="reservist_requests", on_delete=models.PROTECT, verbose_name="organisation"
    )
    subject = models.CharField("objet", max_length=200)
    description = models.TextField("besoin", blank=True)
    segment = models.ForeignKey(
        "clauses.Segment",
        null=True,
        blank=True,
        related_name="annuaire_reservist_requests",
        on_delete=models.PROTECT,
        verbose_name="segment d'achat",
    )
    skills = models.ManyToManyField(
        "annuaire.Skill", blank=True, related_name="reservist_requests", verbose_name="compétences recherchées"
    )
    starts_on = models.DateField("début")
    ends_on = models.DateField("fin")
    status = models.CharField("statut", max_length=10, choices=RequestStatus.choices, default=RequestStatus.OUVERTE)
    reservist = models.ForeignKey(
        "annuaire.Person",
        null=True,
        blank=True,
        related_name="missions",
        on_delete=models.PROTECT,
        verbose_name="réserviste",
    )
    feedback = models.TextField("bilan", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="demandée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)

    class Meta:
        verbose_name = "demande de réserviste"
        verbose_name_plural = "demandes de réserviste"
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "La date de fin doit être postérieure ou égale à la date de début."})


class ReservistNote(models.Model):
    """Follow-up of an accepted mission."""

    request = models.ForeignKey(
        ReservistRequest, related_name="notes", on_delete=models.CASCADE, verbose_name="demande"
    )
    text = models.TextField("note de suivi")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="auteur",
    )
    created_at = models.DateTimeField("écrite le", auto_now_add=True)

    class Meta:
        verbose_name = "note de suivi"
        verbose_name_plural = "notes de suivi"
        ordering = ["created_at"]

    def __str__(self):
        return self.text[:60]
