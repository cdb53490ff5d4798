"""Contract reference data kept in the database: the SIRENE extract an organisation may import to name suppliers and
buyers whose DECP records carry only a SIRET (DECP 2022 has no names), and to give the cockpit their company
category and département when the data lack them. The contracts themselves live in the DECP Parquet store."""

from django.conf import settings
from django.db import models


class SireneExtract(models.Model):
    """One imported extract (the latest replaces the previous one of the organisation)."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name="organisation", on_delete=models.PROTECT, related_name="sirene_extracts"
    )
    filename = models.CharField("fichier", max_length=255)
    rows = models.PositiveIntegerField("établissements importés", default=0)
    skipped = models.PositiveIntegerField("lignes ignorées", default=0)
    with_categorie = models.PositiveIntegerField("lignes avec une catégorie d'entreprise", default=0)
    with_departement = models.PositiveIntegerField("lignes avec un département", default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="importé par", null=True, on_delete=models.PROTECT
    )
    imported_at = models.DateTimeField("importé le", auto_now_add=True)

    class Meta:
        verbose_name = "extrait SIRENE"
        verbose_name_plural = "extraits SIRENE"
        ordering = ["-imported_at"]
        db_table = "explorer_sireneextract"  # created by the explorer app, which held it first

    def __str__(self):
        return f"{self.filename} ({self.rows} établissements)"


class SireneName(models.Model):
    """One row of the organisation's SIRENE extract: an establishment (SIRET, 14 digits) or a legal unit (SIREN,
    9 digits: it then applies to every SIRET of that SIREN), with what the file gave of its name, category and
    département (blank when the file did not say)."""

    class Categorie(models.TextChoices):
        PME = "PME", "petite ou moyenne entreprise"
        ETI = "ETI", "entreprise de taille intermédiaire"
        GE = "GE", "grande entreprise"

    extract = models.ForeignKey(SireneExtract, verbose_name="extrait", on_delete=models.CASCADE, related_name="names")
    organisation = models.ForeignKey("core.Organisation", verbose_name="organisation", on_delete=models.PROTECT)
    siret = models.CharField("SIRET ou SIREN", max_length=14)
    name = models.CharField("dénomination", max_length=255, blank=True)
    categorie = models.CharField("catégorie d'entreprise", max_length=3, choices=Categorie.choices, blank=True)
    departement = models.CharField("département", max_length=3, blank=True)

    class Meta:
        verbose_name = "dénomination SIRENE"
        verbose_name_plural = "dénominations SIRENE"
        db_table = "explorer_sirenename"
        constraints = [models.UniqueConstraint(fields=["organisation", "siret"], name="explorer_sirene_unique")]

    def __str__(self):
        return f"{self.siret} {self.name}"


class InclusionList(models.Model):
    """One imported list of inclusive structures (SIAE, entreprises adaptées, ESAT) of an organisation: the
    latest replaces the previous one. Per organisation, like the SIRENE extract: each support service imports
    the current list of its territory (pilote/contracts/inclusion.py, docs/explorer-ranking.md)."""

    organisation = models.ForeignKey(
        "core.Organisation", verbose_name="organisation", on_delete=models.PROTECT, related_name="inclusion_lists"
    )
    filename = models.CharField("fichier", max_length=255)
    rows = models.PositiveIntegerField("structures importées", default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="importé par", null=True, blank=True, on_delete=models.PROTECT
    )
    imported_at = models.DateTimeField("importé le", auto_now_add=True)

    class Meta:
        verbose_name = "liste de structures inclusives"
        verbose_name_plural = "listes de structures inclusives"
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.filename} ({self.rows} structures)"


class InclusiveStructure(models.Model):
    """A structure of the organisation's list: its SIRET, name, kinds (ACI, AI, EI, ETTI, EITI, EA, EATT, ESAT…,
    comma-separated when the list gives several for one SIRET), département, postal code and NAF activity."""

    inclusion_list = models.ForeignKey(
        InclusionList, verbose_name="liste", on_delete=models.CASCADE, related_name="structures"
    )
    organisation = models.ForeignKey("core.Organisation", verbose_name="organisation", on_delete=models.PROTECT)
    siret = models.CharField("SIRET", max_length=14)
    siren = models.CharField("SIREN", max_length=9, db_index=True)
    name = models.CharField("dénomination", max_length=255, blank=True)
    kinds = models.CharField("types", max_length=60)
    departement = models.CharField("département", max_length=3, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    naf = models.CharField("code NAF", max_length=6, blank=True)

    class Meta:
        verbose_name = "structure inclusive"
        verbose_name_plural = "structures inclusives"
        constraints = [models.UniqueConstraint(fields=["organisation", "siret"], name="inclusion_structure_unique")]

    def __str__(self):
        return f"{self.siret} {self.name} ({self.kinds})"
