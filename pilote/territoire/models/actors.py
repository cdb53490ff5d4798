"""Actors of the territory: associations, companies, inclusive structures, public bodies, collectives. An actor keeps
every source it came from (ActorSource); merging two duplicates moves the sources onto the one kept."""

from django.db import models


class SourceKind(models.TextChoices):
    SIAE = "siae", "liste des SIAE"
    INCLUSION = "inclusion", "import data·inclusion"
    SCDL = "scdl", "bénéficiaire de subvention (SCDL)"
    FONDS_VERT = "fonds_vert", "bénéficiaire du Fonds vert"
    TITULAIRE = "titulaire", "titulaire des contrats de l'organisation"
    FIL = "fil", "porteur d'initiative (FIL)"
    MANUEL = "manuel", "saisie manuelle"


class Actor(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation", related_name="territory_actors", on_delete=models.PROTECT, verbose_name="organisation"
    )
    name = models.CharField("nom", max_length=250)
    siren = models.CharField("SIREN", max_length=9, blank=True, db_index=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    rna = models.CharField("numéro RNA", max_length=10, blank=True)
    kind = models.CharField("type (typologie data·inclusion)", max_length=20, blank=True)
    themes = models.JSONField("thématiques", default=list, blank=True)
    commune_code = models.CharField("commune (code INSEE)", max_length=5, blank=True)
    labels = models.JSONField("labels", default=list, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, related_name="merged", on_delete=models.PROTECT, verbose_name="fusionné dans"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "acteur du territoire"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ActorSource(models.Model):
    actor = models.ForeignKey(Actor, related_name="sources", on_delete=models.CASCADE, verbose_name="acteur")
    kind = models.CharField("source", max_length=20, choices=SourceKind.choices)
    reference = models.CharField("référence", max_length=250, blank=True)
    created_at = models.DateTimeField("ajoutée le", auto_now_add=True)

    class Meta:
        verbose_name = "source d'un acteur"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.reference}"
