"""Support schemes in the fields of the national schema `etalab/schema-dispositif-aide` v0.2.0 (lists kept as JSON,
written `|`-joined in the CSV), and the grants paid (SCDL subventions 2.1.1 fields), under a scheme or not."""

from django.db import models


class Scheme(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation", related_name="territory_schemes", on_delete=models.PROTECT, verbose_name="organisation"
    )
    uid = models.CharField("identifiant (UUID)", max_length=36)
    titre = models.CharField("titre", max_length=300)
    promesse = models.CharField("promesse", max_length=180, blank=True)
    description = models.TextField("description", max_length=5000)
    eligibilite = models.TextField("éligibilité")
    types_aides = models.JSONField("types d'aides", default=list)
    porteurs = models.JSONField("porteurs", default=list)  # [{"nom", "siren", "roles": [...]}]
    programmes_parents = models.JSONField("programmes parents", default=list, blank=True)
    url_source = models.URLField("adresse de la source", max_length=500, blank=True)
    cibles = models.JSONField("cibles", default=list)
    geographie = models.JSONField("éligibilité géographique", default=list)  # ["DEP-14", "REG-28", ...]
    geographie_exclusions = models.JSONField("exclusions géographiques", default=list, blank=True)
    date_ouverture = models.DateTimeField("ouverture", null=True, blank=True)
    date_cloture = models.DateTimeField("clôture", null=True, blank=True)
    date_mise_a_jour = models.DateTimeField("mise à jour")
    themes = models.JSONField("thématiques", default=list, blank=True)  # Pilote's own, for the gap analysis

    class Meta:
        verbose_name = "dispositif de soutien"
        ordering = ["titre"]
        constraints = [models.UniqueConstraint(fields=["organisation", "uid"], name="territoire_scheme_uid")]

    def __str__(self):
        return self.titre


class GrantSource(models.TextChoices):
    SCDL = "scdl", "import SCDL subventions"
    FONDS_VERT = "fonds_vert", "Fonds vert 2023"
    FIL = "fil", "fonds d'investissement local"


class Grant(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation", related_name="territory_grants", on_delete=models.PROTECT, verbose_name="organisation"
    )
    scheme = models.ForeignKey(
        Scheme, null=True, blank=True, related_name="grants", on_delete=models.SET_NULL, verbose_name="dispositif"
    )
    scheme_label = models.CharField("dispositif (libellé)", max_length=300, blank=True)
    source = models.CharField("source", max_length=20, choices=GrantSource.choices)
    attribuant_nom = models.CharField("attribuant", max_length=250)
    attribuant_siret = models.CharField("SIRET de l'attribuant", max_length=14, blank=True)
    beneficiary = models.ForeignKey(
        "territoire.Actor", null=True, blank=True, related_name="grants", on_delete=models.PROTECT
    )
    beneficiaire_nom = models.CharField("bénéficiaire", max_length=250)
    beneficiaire_id = models.CharField("SIRET ou SIREN du bénéficiaire", max_length=14, blank=True)
    rna = models.CharField("RNA du bénéficiaire", max_length=10, blank=True)
    objet = models.CharField("objet", max_length=256)
    montant = models.DecimalField("montant (€)", max_digits=14, decimal_places=2)
    date_convention = models.DateField("date de la convention", null=True, blank=True)
    reference = models.CharField("référence de la décision", max_length=120, blank=True)
    commune_code = models.CharField("commune (code INSEE)", max_length=5, blank=True)
    nature = models.CharField("nature", max_length=60, default="aide en numéraire")
    conditions = models.CharField("conditions de versement", max_length=256, blank=True)
    periode = models.CharField("période de versement", max_length=21, blank=True)
    pourcentage = models.DecimalField("part subventionnée", max_digits=5, decimal_places=4, null=True, blank=True)
    created_at = models.DateTimeField("importée le", auto_now_add=True)

    class Meta:
        verbose_name = "subvention versée"
        ordering = ["-date_convention", "pk"]

    def __str__(self):
        return f"{self.beneficiaire_nom} : {self.montant} €"
