"""The fiche visa: a purchase request filled by an agent before any consultation, reviewed by the support
service (workflow in `workflow.py`), with its event trail, comments, attachments, the link to the notified
contract in the DECP data and the evaluation of contracts after award."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from pilote.clauses.models import Clause, Segment


class Status(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    SOUMISE = "soumise", "Soumise"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    VISEE = "visee", "Visée"
    VISEE_RESERVES = "visee_reserves", "Visée avec réserves"
    A_REPRENDRE = "a_reprendre", "À reprendre"
    REFUSEE = "refusee", "Refusée"


DECIDED = {Status.VISEE, Status.VISEE_RESERVES, Status.REFUSEE}
UNDER_REVIEW = {Status.SOUMISE, Status.EN_INSTRUCTION}


class Nature(models.TextChoices):
    FOURNITURES = "fournitures", "Fournitures"
    SERVICES = "services", "Services"
    TRAVAUX = "travaux", "Travaux"


class Fiche(models.Model):
    """Only the object is required while a draft: completeness is checked at submission (completeness.py)."""

    organisation = models.ForeignKey(
        "core.Organisation", related_name="fiches", on_delete=models.PROTECT, verbose_name="organisation"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="fiches", on_delete=models.PROTECT, verbose_name="rédacteur"
    )
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.BROUILLON)
    # Optimistic lock: incremented on every write, a form posted with an older value is refused.
    revision = models.PositiveIntegerField("révision", default=1)

    service_demandeur = models.CharField("service demandeur", max_length=200, blank=True)
    objet = models.CharField("objet de l'achat", max_length=300)
    besoin = models.TextField("description du besoin", blank=True)
    nature = models.CharField("nature", max_length=20, choices=Nature.choices, default=Nature.SERVICES)
    montant_estime = models.DecimalField(
        "montant estimé (€ HT)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1, "Le montant estimé doit être supérieur à 0 € HT.")],
    )
    methode_estimation = models.TextField("méthode d'estimation du montant", blank=True)
    duree_mois = models.PositiveIntegerField(
        "durée (mois)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1, "La durée doit être d'au moins un mois.")],
    )
    reconductions = models.PositiveSmallIntegerField("nombre de reconductions", default=0)
    alloti = models.BooleanField("allotissement envisagé", default=False)
    lots = models.TextField("lots envisagés", blank=True)
    justification_lot_unique = models.TextField("justification du lot unique", blank=True)
    code_cpv = models.CharField("code CPV", max_length=8, blank=True)
    code_cpv_confirme = models.BooleanField("code CPV confirmé", default=False)
    segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.PROTECT, related_name="fiches", verbose_name="segment"
    )
    date_lancement = models.DateField("date de lancement souhaitée", null=True, blank=True)
    urgence = models.BooleanField("urgence", default=False)
    motif_urgence = models.TextField("motif de l'urgence", blank=True)
    sourcing_realise = models.BooleanField("sourçage réalisé", default=False)
    sourcing_fournisseurs = models.TextField("fournisseurs rencontrés", blank=True)
    sourcing_charte = models.JSONField("charte de sourçage respectée", default=list, blank=True)
    reponses_guide = models.JSONField("réponses aux questions du guide", default=dict, blank=True)

    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    submitted_at = models.DateTimeField("soumise le", null=True, blank=True)
    review_deadline = models.DateField("date limite d'instruction", null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="fiches_instruites",
        on_delete=models.PROTECT,
        verbose_name="instructeur",
    )
    decided_at = models.DateTimeField("décision le", null=True, blank=True)
    decision_comment = models.TextField("motivation de la décision", blank=True)
    # A visa may leave a mandatory obligation (pilote.fiches.obligations) unmet only with a written justification:
    # the obligations left unmet (code and text) and the justification, as given at the decision.
    obligations_non_remplies = models.JSONField("obligations non remplies au visa", default=list, blank=True)
    justification_obligations = models.TextField("justification des obligations non remplies", blank=True)
    retained_clauses = models.ManyToManyField(
        Clause, blank=True, related_name="retained_in", verbose_name="clauses et critères retenus"
    )
    recommended_clauses = models.ManyToManyField(
        Clause, blank=True, related_name="recommended_for", verbose_name="clauses et critères recommandés"
    )

    # Close the loop: the notified contract in the DECP data (`id` + buyer SIRET identify it).
    contrat_id = models.CharField("identifiant du marché (DECP)", max_length=100, blank=True)
    contrat_acheteur_id = models.CharField("SIRET de l'acheteur du marché", max_length=14, blank=True)
    contrat_check = models.JSONField("vérification du marché publié", default=dict, blank=True)
    linked_at = models.DateTimeField("rattachée le", null=True, blank=True)

    class Meta:
        verbose_name = "fiche visa"
        verbose_name_plural = "fiches visa"
        ordering = ["-updated_at"]

    def __str__(self):
        return f"{self.reference} — {self.objet}"

    @property
    def reference(self) -> str:
        return f"FV-{self.created_at:%Y}-{self.pk:04d}" if self.pk and self.created_at else "FV-nouvelle"

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED


class FicheEvent(models.Model):
    """Append-only trail of the fiche: every transition and every change (field-level diff in payload)."""

    fiche = models.ForeignKey(Fiche, related_name="events", on_delete=models.PROTECT, verbose_name="fiche")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="auteur")
    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    verb = models.CharField("action", max_length=40)
    from_status = models.CharField("état de départ", max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField("état d'arrivée", max_length=20, choices=Status.choices, blank=True)
    comment = models.TextField("commentaire", blank=True)
    payload = models.JSONField("détails", default=dict, blank=True)

    class Meta:
        verbose_name = "événement de fiche"
        verbose_name_plural = "événements de fiche"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.fiche_id} {self.verb}"


class FicheComment(models.Model):
    fiche = models.ForeignKey(Fiche, related_name="comments", on_delete=models.PROTECT, verbose_name="fiche")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="auteur")
    created_at = models.DateTimeField("date", auto_now_add=True)
    text = models.TextField("commentaire")

    class Meta:
        verbose_name = "commentaire"
        verbose_name_plural = "commentaires"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Commentaire de {self.author} ({self.created_at:%d/%m/%Y})"


class FicheAttachment(models.Model):
    """A file joined to the fiche, stored under PILOTE_DATA_DIR/fiches/ (never served as a static file)."""

    fiche = models.ForeignKey(Fiche, related_name="attachments", on_delete=models.PROTECT, verbose_name="fiche")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="déposé par")
    created_at = models.DateTimeField("date", auto_now_add=True)
    original_name = models.CharField("nom du fichier", max_length=200)
    content_type = models.CharField("type", max_length=120)
    size = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte", max_length=64)
    storage_name = models.CharField("chemin de stockage", max_length=200, unique=True)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["created_at"]

    def __str__(self):
        return self.original_name


class Relation(models.TextChoices):
    TRES_BONNE = "tres_bonne", "Très bonne"
    BONNE = "bonne", "Bonne"
    DIFFICILE = "difficile", "Difficile"
    CONFLICTUELLE = "conflictuelle", "Conflictuelle"


class Evaluation(models.Model):
    """Evaluation of a contract after award (from a fiche or any contract of the organisation)."""

    organisation = models.ForeignKey(
        "core.Organisation", related_name="evaluations", on_delete=models.PROTECT, verbose_name="organisation"
    )
    fiche = models.ForeignKey(
        Fiche, null=True, blank=True, related_name="evaluations", on_delete=models.PROTECT, verbose_name="fiche"
    )
    contrat_id = models.CharField("identifiant du marché (DECP)", max_length=100, blank=True)
    objet = models.CharField("objet du marché", max_length=300)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="auteur")
    created_at = models.DateTimeField("date", auto_now_add=True)
    fructueux = models.BooleanField("consultation fructueuse", default=True)
    offres_recues = models.PositiveIntegerField("offres reçues", null=True, blank=True)
    heures_insertion = models.PositiveIntegerField("heures d'insertion réalisées", null=True, blank=True)
    dechets_tonnes = models.DecimalField(
        "déchets évités ou valorisés (t)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    emissions_tco2e = models.DecimalField(
        "émissions évitées (t CO2e)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    relation_fournisseur = models.CharField(
        "relation avec le titulaire", max_length=20, choices=Relation.choices, blank=True
    )
    effet_clauses = models.TextField("effet des clauses", blank=True)
    commentaire = models.TextField("commentaire libre", blank=True)

    class Meta:
        verbose_name = "évaluation de marché"
        verbose_name_plural = "évaluations de marchés"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Évaluation — {self.objet}"
