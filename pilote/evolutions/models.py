"""The modification register of a contract, its modifications with their opinions, and evolution clauses."""

from django.conf import settings
from django.db import models

from pilote.clauses.impact import ImpactCriterion
from pilote.evolutions.legal import Ground


class Nature(models.TextChoices):
    TRAVAUX = "travaux", "Travaux"
    FOURNITURES = "fournitures", "Fournitures"
    SERVICES = "services", "Services"


class Register(models.Model):
    """A contract followed in the register: a snapshot of its initial data (from the DECP data, or entered from
    its fiche), against which every modification is counted."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="registers")
    contrat_uid = models.CharField("identifiant dans les données", max_length=200, blank=True)
    decp_id = models.CharField("identifiant DECP du marché", max_length=16)
    title = models.CharField("objet du marché", max_length=300)
    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    initial_amount = models.DecimalField("montant initial HT", max_digits=14, decimal_places=2)
    initial_duration = models.PositiveIntegerField("durée initiale (mois)")
    notified_on = models.DateField("date de notification")
    procedure = models.CharField("procédure", max_length=120, blank=True)
    awarded_by_cao = models.BooleanField("attribué par la commission d'appel d'offres", default=False)
    utility = models.BooleanField("passé par une entité adjudicatrice", default=False)
    titulaires = models.CharField("titulaire(s)", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "contrat_uid"],
                condition=~models.Q(contrat_uid=""),
                name="evolutions_register_unique_contract",
            )
        ]

    def __str__(self):
        return self.title


class Status(models.TextChoices):
    PROPOSEE = "proposee", "Proposée"
    NON_CONFORME = "non_conforme", "Enregistrée non conforme (ne peut être signée)"
    SIGNEE = "signee", "Signée"
    IMPORTEE = "importee", "Importée des données"


COUNTED = (Status.SIGNEE, Status.IMPORTEE)


class Modification(models.Model):
    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="modifications")
    rank = models.PositiveIntegerField("numéro")
    status = models.CharField("état", max_length=20, choices=Status.choices, default=Status.PROPOSEE)
    ground = models.CharField("fondement", max_length=30, choices=Ground.choices)
    description = models.TextField("objet de la modification")
    amount_delta = models.DecimalField("effet sur le montant HT", max_digits=14, decimal_places=2, default=0)
    new_duration = models.PositiveIntegerField("nouvelle durée (mois)", null=True, blank=True)
    new_titulaire = models.CharField("nouveau titulaire", max_length=300, blank=True)
    dated = models.DateField("date de notification (prévue ou réelle)")
    substantial_answers = models.JSONField("questionnaire R. 2194-7", default=dict, blank=True)
    issues = models.JSONField("alertes au moment de l'enregistrement", default=list, blank=True)
    justification = models.TextField("justification", blank=True)
    clause = models.ForeignKey(
        "EvolutionClause", null=True, blank=True, on_delete=models.PROTECT, related_name="modifications"
    )
    published_on = models.DateField("publiée dans les DECP le", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["register", "rank"]
        constraints = [models.UniqueConstraint(fields=["register", "rank"], name="evolutions_modification_rank")]

    def __str__(self):
        return f"Modification n° {self.rank}"


class Body(models.TextChoices):
    CAO = "cao", "Commission d'appel d'offres (CGCT L. 1414-4)"
    JURY = "jury", "Jury citoyen"


class Verdict(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    RESERVES = "reserves", "Favorable avec réserves"
    DEFAVORABLE = "defavorable", "Défavorable"


class Opinion(models.Model):
    modification = models.ForeignKey(Modification, on_delete=models.CASCADE, related_name="opinions")
    body = models.CharField("instance", max_length=10, choices=Body.choices)
    jury = models.ForeignKey("strategie.Jury", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField("avis", max_length=20, choices=Verdict.choices)
    given_on = models.DateField("date de la séance")
    text = models.TextField("motifs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["given_on", "pk"]

    def __str__(self):
        return f"Avis {self.get_body_display()} du {self.given_on:%d/%m/%Y}"


class ChangeNature(models.TextChoices):
    QUANTITES = "quantites", "Quantités"
    INDICE = "indice", "Prix (indice)"
    SPECIFICATIONS = "specifications", "Spécifications"
    DUREE = "duree", "Durée"
    OPTIONS = "options", "Options"


class Trigger(models.TextChoices):
    INDICE = "indice", "Un indice publié"
    EVENEMENT = "evenement", "Un événement constaté"
    BESOIN = "besoin", "Un indicateur de besoin"
    JURY = "jury", "Une demande du jury citoyen"


class EvolutionClause(models.Model):
    """A review clause (R. 2194-1) built from structured fields; its text is saved in the clause library."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="evolution_clauses")
    register = models.ForeignKey(
        Register, null=True, blank=True, on_delete=models.PROTECT, related_name="evolution_clauses"
    )
    library_clause = models.ForeignKey("clauses.Clause", null=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("intitulé", max_length=200)
    scope = models.TextField("champ d'application")
    change_nature = models.CharField("nature des modifications", max_length=20, choices=ChangeNature.choices)
    trigger = models.CharField("condition de déclenchement", max_length=20, choices=Trigger.choices)
    measure = models.CharField("mesure du déclenchement", max_length=200, blank=True)
    threshold = models.DecimalField("seuil de déclenchement", max_digits=12, decimal_places=2, null=True, blank=True)
    cap_share = models.DecimalField("plafond (% du montant initial)", max_digits=5, decimal_places=2)
    proposer = models.CharField("qui propose", max_length=200)
    decider = models.CharField("qui décide", max_length=200)
    jury_opinion = models.BooleanField("avis du jury citoyen requis", default=False)
    text = models.TextField("texte de la clause")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class FicheClause(models.Model):
    """An evolution clause attached to a fiche visa: the purchase whose contract will carry the review clause. It
    lives here, not in pilote.fiches (a lower layer that cannot know evolution clauses); the fiche page shows it
    through pilote.fiches.panels."""

    fiche = models.ForeignKey("fiches.Fiche", on_delete=models.CASCADE, related_name="+", verbose_name="fiche visa")
    clause = models.ForeignKey(
        EvolutionClause, on_delete=models.PROTECT, related_name="fiche_links", verbose_name="clause d'évolution"
    )
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    attached_at = models.DateTimeField("rattachée le", auto_now_add=True)

    class Meta:
        ordering = ["attached_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["fiche", "clause"], name="evolutions_ficheclause_once")]

    def __str__(self):
        return f"{self.clause} → fiche {self.fiche_id}"


# The impact criteria are defined below, in the clauses app, so that segment guides can hold impact questions.
Criterion = ImpactCriterion


class Negotiation(models.Model):
    """A responsible negotiation: impact questions sent identically to every bidder (R. 2161-17), their claims
    with evidence, and the commitments accepted as execution clauses followed after award."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="negotiations")
    title = models.CharField("consultation", max_length=200)
    segment = models.ForeignKey("clauses.Segment", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    register = models.ForeignKey(Register, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Bidder(models.Model):
    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="bidders")
    name = models.CharField("soumissionnaire", max_length=200)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class ImpactQuestion(models.Model):
    negotiation = models.ForeignKey(Negotiation, on_delete=models.CASCADE, related_name="questions")
    criterion = models.CharField("critère", max_length=30, choices=Criterion.choices)
    text = models.TextField("question")
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.text[:60]


class Dispatch(models.Model):
    """The record that one question was sent, with the same text, to one bidder (traceability, R. 2161-17)."""

    question = models.ForeignKey(ImpactQuestion, on_delete=models.CASCADE, related_name="dispatches")
    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="dispatches")
    text = models.TextField("texte envoyé")
    sent_at = models.DateTimeField("envoyée le")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "bidder"], name="evolutions_dispatch_once")]

    def __str__(self):
        return f"{self.question_id} → {self.bidder}"


class Claim(models.Model):
    bidder = models.ForeignKey(Bidder, on_delete=models.CASCADE, related_name="claims")
    criterion = models.CharField("critère", max_length=30, choices=Criterion.choices)
    value = models.DecimalField("valeur annoncée", max_digits=12, decimal_places=2)
    evidence = models.TextField("preuve")
    accepted = models.BooleanField("engagement retenu", default=False)

    class Meta:
        ordering = ["criterion", "bidder"]

    def __str__(self):
        return f"{self.bidder} — {self.get_criterion_display()}"


class Commitment(models.Model):
    """An accepted claim turned into an execution clause, with its indicator followed after award."""

    claim = models.OneToOneField(Claim, on_delete=models.PROTECT, related_name="commitment")
    library_clause = models.ForeignKey("clauses.Clause", on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField("indicateur suivi", max_length=200)
    promised = models.DecimalField("promis", max_digits=12, decimal_places=2)
    achieved = models.DecimalField("réalisé", max_digits=12, decimal_places=2, null=True, blank=True)
    measured_on = models.DateField("mesuré le", null=True, blank=True)

    def __str__(self):
        return self.indicator


class TheatreRoleKind(models.TextChoices):
    ACHETEUR = "acheteur", "Acheteur"
    FOURNISSEUR = "fournisseur", "Fournisseur"
    PRESCRIPTEUR = "prescripteur", "Prescripteur"
    USAGER = "usager", "Usager"
    JURY = "jury", "Membre du jury citoyen"
    MEDIATEUR = "mediateur", "Médiateur"


class TheatreSession(models.Model):
    """A théâtre des négociations: a staged session around a clause activation or a negotiation. In rehearsal
    mode the contract is fictitious (`rehearsal_contract`) and nothing touches a real register."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="theatre_sessions")
    title = models.CharField("séance", max_length=200)
    register = models.ForeignKey(Register, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    clause = models.ForeignKey(EvolutionClause, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rehearsal = models.BooleanField("répétition (données fictives)", default=False)
    rehearsal_contract = models.JSONField("contrat fictif", default=dict, blank=True)
    agenda = models.TextField("ordre du jour")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class TheatreRole(models.Model):
    session = models.ForeignKey(TheatreSession, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField("rôle", max_length=20, choices=TheatreRoleKind.choices)
    player = models.CharField("joué par", max_length=200)
    brief = models.TextField("consigne privée")
    # The brief is read only by the one who holds the role: a member (matched on the e-mail typed as the player) or
    # a guest carrying a per-player link whose token is stored hashed.
    member = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name="membre qui tient le rôle")  # fmt: skip
    token_hash = models.CharField("jeton invité (empreinte)", max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.player}"


class TheatreEntry(models.Model):
    """A line of the minutes: a proposal put on the table (with its check) or a note."""

    session = models.ForeignKey(TheatreSession, on_delete=models.CASCADE, related_name="entries")
    role = models.ForeignKey(TheatreRole, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField("texte")
    ground = models.CharField("fondement", max_length=30, choices=Ground.choices, blank=True)
    amount_delta = models.DecimalField("effet sur le montant HT", max_digits=14, decimal_places=2, null=True)
    issues = models.JSONField("alertes", default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.text[:60]
