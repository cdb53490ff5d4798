"""The ressource-o-thèque: resources an organisation shares with commons initiatives, their bookings, and the
access-credit ledger (double entry, append-only; see ledger.py and docs/communs.md)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from pilote.core.models import Organisation
from pilote.core.validators import validate_siret


class InitiativeKind(models.TextChoices):
    COLLECTIF = "collectif", "Collectif citoyen"
    ASSOCIATION = "association", "Association"


class Initiative(models.Model):
    """A commons initiative the organisation supports, possibly an actor of the territory (`actor`)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="commons_initiatives")
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("forme", max_length=20, choices=InitiativeKind.choices, default=InitiativeKind.COLLECTIF)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    rna = models.CharField(
        "numéro RNA",
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^W\d{9}$", "Le numéro RNA s'écrit W suivi de 9 chiffres (ex. W123456789).")],
    )
    purpose = models.TextField("objet du commun", blank=True)
    credit_limit = models.PositiveIntegerField(
        "découvert autorisé (crédits)",
        default=0,
        help_text="Solde négatif au-delà duquel une réservation est refusée.",
    )
    # The territory's actor this initiative is (explicit link); without it, the actor of the same SIRET, SIREN or
    # RNA is found (funding.linked_actor): its cash grants count with the in-kind support towards the 23 k€ alert.
    actor = models.ForeignKey(
        "territoire.Actor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commons_initiatives",
        verbose_name="acteur du territoire",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="communs_initiative_org_name_unique")
        ]

    def __str__(self):
        return self.name


class ResourceKind(models.TextChoices):
    SALLE = "salle", "Salle ou équipement collectif"
    MATERIEL = "materiel", "Matériel"
    VEHICULE = "vehicule", "Véhicule"
    TEMPS = "temps", "Temps d'agent"


# SCDL « Équipements collectifs publics » 0.1.5, field EQUIP_THEME (the schema's enum, verbatim).
EQUIP_THEMES = [
    "Equipement administratif",
    "Equipement de justice",
    "Equipement sanitaire",
    "Equipement social et d'animation",
    "Equipement sportif et de loisirs",
    "Equipement d'enseignement",
    "Equipement cultuel",
    "Equipement culturel",
    "Equipement de mobilité",
    "Autre équipement",
]


class ShareClass(models.TextChoices):
    """Classes of shareable equipment, matched to purchases by CPV prefix (rules.SHARE_CLASS_CPV)."""

    OUTILLAGE = "outillage", "Outillage"
    VEHICULES = "vehicules", "Véhicules"
    AUDIOVISUEL = "audiovisuel", "Audiovisuel"
    MOBILIER = "mobilier", "Mobilier"
    INFORMATIQUE = "informatique", "Informatique"


class Resource(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="commons_resources")
    kind = models.CharField("nature", max_length=20, choices=ResourceKind.choices)
    name = models.CharField("nom", max_length=200)
    description = models.TextField("description", blank=True)
    # Rooms and facilities: fields of the SCDL « équipements collectifs publics ».
    theme = models.CharField("thème (EQUIP_THEME)", max_length=60, blank=True, choices=[(t, t) for t in EQUIP_THEMES])
    address = models.CharField("adresse", max_length=250, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField("commune", max_length=120, blank=True)
    capacity = models.PositiveIntegerField("capacité (personnes)", null=True, blank=True)
    accessibility = models.CharField("accessibilité", max_length=250, blank=True)
    opening_hours = models.CharField("horaires (syntaxe OSM)", max_length=250, blank=True)
    # Equipment and vehicles.
    share_class = models.CharField("catégorie", max_length=20, blank=True, choices=ShareClass.choices)
    condition = models.CharField("état", max_length=120, blank=True)
    location = models.CharField("lieu de stockage", max_length=200, blank=True)
    # Agents' time.
    skill = models.CharField("compétence", max_length=200, blank=True)
    hours_per_month = models.PositiveIntegerField("heures offertes par mois", null=True, blank=True)
    manager_approved = models.BooleanField("accord du responsable hiérarchique", default=False)
    # Rules of use.
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="gestionnaire"
    )
    who_may_book = models.CharField("qui peut réserver", max_length=250, blank=True)
    allowed_purpose = models.CharField("pour quel usage", max_length=250, blank=True)
    deposit_eur = models.DecimalField("caution (€)", max_digits=9, decimal_places=2, default=0)
    training_required = models.BooleanField("formation préalable requise", default=False)
    # Valuation (euros, for the in-kind subsidy) and price (access credits, not money).
    valuation_rate = models.DecimalField(
        "taux de valorisation (€ par heure ou par jour)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    credit_price = models.PositiveIntegerField("prix en crédits d'accès (par heure ou par jour)", default=0)
    in_service = models.BooleanField("en service", default=True)
    is_public = models.BooleanField("visible sur la page publique", default=False)
    # Bought by the organisation (feeds the « achats partagés » indicator).
    purchase_value_eur = models.DecimalField(
        "valeur d'achat (€)", max_digits=11, decimal_places=2, null=True, blank=True
    )
    contributed_by = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, null=True, blank=True, related_name="lent_resources"
    )
    # « Ajouter à la ressource-o-thèque après livraison »: a draft item pre-filled from a purchase to come (a fiche
    # visa or a census need); it cannot be booked until a manager completes it (draft unticked).
    draft = models.BooleanField("brouillon (achat pas encore livré)", default=False)
    source_fiche = models.OneToOneField(
        "fiches.Fiche", on_delete=models.SET_NULL, null=True, blank=True, related_name="commons_item"
    )
    source_need = models.OneToOneField(
        "recensement.Need", on_delete=models.SET_NULL, null=True, blank=True, related_name="commons_item"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    @property
    def unit(self) -> str:
        """Rooms and agents' time are booked by the hour, equipment and vehicles by the day."""
        return "heure" if self.kind in (ResourceKind.SALLE, ResourceKind.TEMPS) else "jour"


class Decision(models.Model):
    """The recorded decision behind a credit allocation (a committee or the support service, with reasons)."""

    class Body(models.TextChoices):
        COMITE = "comite", "Comité de cogestion"
        APPUI = "appui", "Service d'appui"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="commons_decisions")
    body = models.CharField("instance", max_length=20, choices=Body.choices)
    reference = models.CharField("référence de la décision", max_length=100)
    decided_on = models.DateField("date de la décision")
    reasons = models.TextField("motifs")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return f"{self.get_body_display()} {self.reference}"


class AccountKind(models.TextChoices):
    INITIATIVE = "initiative", "Compte d'initiative"
    EMISSION = "emission", "Crédits émis par décision"
    CONTRIBUTIONS = "contributions", "Contributions reconnues"
    USAGES = "usages", "Usages de la ressource-o-thèque"


class Account(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="commons_accounts")
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    initiative = models.OneToOneField(Initiative, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=models.Q(initiative__isnull=True),
                name="communs_account_one_system_account",
            ),
        ]

    def __str__(self):
        return self.initiative.name if self.initiative_id else self.get_kind_display()


class AppendOnlyQuerySet(models.QuerySet):
    """Ledger movements are never changed nor removed in bulk either: a correction is a reversing movement."""

    def update(self, **kwargs):
        raise ValidationError("Une écriture du registre ne se modifie pas : passez une écriture de contrepassation.")

    def delete(self):
        raise ValidationError("Une écriture du registre ne se supprime pas : passez une écriture de contrepassation.")


class Movement(models.Model):
    """One ledger movement: it debits one account and credits another by the same positive amount, so that every
    movement balances by construction and the trial balance sums to zero. Append-only."""

    class Kind(models.TextChoices):
        ALLOCATION = "allocation", "Attribution par décision"
        RESERVATION = "reservation", "Réservation"
        CONTRIBUTION = "contribution", "Contribution"
        CONTREPASSATION = "contrepassation", "Contrepassation"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="commons_movements")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    debit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="debits")
    credit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="credits")
    amount = models.PositiveIntegerField("crédits")
    memo = models.CharField("libellé", max_length=250)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True)
    booking = models.ForeignKey("Booking", on_delete=models.PROTECT, null=True, blank=True, related_name="movements")
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="communs_movement_amount_positive"),
            models.CheckConstraint(
                condition=~models.Q(debit=models.F("credit")), name="communs_movement_two_accounts"
            ),
        ]

    def __str__(self):
        return f"{self.amount} crédits : {self.memo}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise ValidationError(
                "Une écriture du registre ne se modifie pas : passez une écriture de contrepassation."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Une écriture du registre ne se supprime pas : passez une écriture de contrepassation.")


class BookingStatus(models.TextChoices):
    DEMANDEE = "demandee", "Demandée"
    APPROUVEE = "approuvee", "Approuvée"
    SORTIE = "sortie", "Remise (en cours)"
    RENDUE = "rendue", "Rendue"
    REFUSEE = "refusee", "Refusée"
    ANNULEE = "annulee", "Annulée"


# Statuses that hold the calendar slot.
HOLDING = (BookingStatus.DEMANDEE, BookingStatus.APPROUVEE, BookingStatus.SORTIE)
# Statuses that count as support given (valued in kind).
VALUED = (BookingStatus.APPROUVEE, BookingStatus.SORTIE, BookingStatus.RENDUE)


class Booking(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings")
    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin")
    purpose = models.CharField("objet", max_length=250)
    status = models.CharField(max_length=20, choices=BookingStatus.choices, default=BookingStatus.DEMANDEE)
    credit_cost = models.PositiveIntegerField("coût en crédits", default=0)
    value_eur = models.DecimalField("valeur en nature (€)", max_digits=11, decimal_places=2, default=0)
    checkout_condition = models.CharField("état à la remise", max_length=250, blank=True)
    return_condition = models.CharField("état au retour", max_length=250, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="communs_booking_order")
        ]

    def __str__(self):
        return f"{self.resource} — {self.initiative}"


class MaintenanceTicket(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="tickets")
    booking = models.ForeignKey(Booking, on_delete=models.SET_NULL, null=True, blank=True)
    description = models.CharField("problème constaté", max_length=500)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return f"{self.resource} : {self.description}"


class Representative(models.Model):
    """The member of the organisation who speaks and votes for an initiative on the co-management board (one per
    initiative), designated by the support service."""

    initiative = models.OneToOneField(Initiative, on_delete=models.CASCADE, related_name="representative")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commons_represents")
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.user} ({self.initiative})"


class Proposal(models.Model):
    """A proposal put to the co-management board: a new credit price for a resource from a date, or an allocation
    of credits to an initiative. Opened by the support service, closed with its outcome (rules.board_outcome)."""

    class Kind(models.TextChoices):
        PRIX = "prix", "Nouveau prix d'une ressource"
        ALLOCATION = "allocation", "Attribution de crédits à une initiative"

    class Outcome(models.TextChoices):
        OUVERTE = "ouverte", "Vote ouvert"
        ADOPTEE = "adoptee", "Adoptée"
        REJETEE = "rejetee", "Rejetée"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="commons_proposals")
    kind = models.CharField("objet", max_length=20, choices=Kind.choices)
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    new_price = models.PositiveIntegerField("nouveau prix en crédits", null=True, blank=True)
    effective_from = models.DateField("applicable à partir du", null=True, blank=True)
    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    amount = models.PositiveIntegerField("crédits proposés", null=True, blank=True)
    reasons = models.TextField("motifs")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.OUVERTE)
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        if self.kind == self.Kind.PRIX:
            return f"Prix de « {self.resource} » : {self.new_price} crédits"
        return f"{self.amount} crédits pour « {self.initiative} »"


class VoteChoice(models.TextChoices):
    POUR = "pour", "Pour"
    CONTRE = "contre", "Contre"
    ABSTENTION = "abstention", "Abstention"


class Vote(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField("vote", max_length=20, choices=VoteChoice.choices)
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "initiative"], name="communs_vote_one_per_initiative")
        ]

    def __str__(self):
        return f"{self.initiative} : {self.get_choice_display()}"


class ResourcePrice(models.Model):
    """A credit price voted by the board, applicable to bookings starting on or after `effective_from`."""

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="prices")
    price = models.PositiveIntegerField("prix en crédits")
    effective_from = models.DateField("applicable à partir du")
    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="price")

    class Meta:
        ordering = ["effective_from", "pk"]

    def __str__(self):
        return f"{self.resource} : {self.price} crédits dès le {self.effective_from:%d/%m/%Y}"


class ResourcePhoto(models.Model):
    """A photo of a resource, re-encoded on upload (photos.py: metadata stripped), kept in the private storage area
    « communs » and served by a view that checks who may see the resource. Its text alternative is required."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="photos")
    storage_name = models.CharField(max_length=200, unique=True)
    alt_text = models.CharField("texte alternatif", max_length=250)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.alt_text

    # Shown at most 320 px wide (fits a 390 px phone screen), its height in proportion: the page keeps its layout
    # while the image loads, without a style attribute (the CSP forbids them).
    DISPLAY_WIDTH = 320

    @property
    def display_width(self) -> int:
        return min(self.width, self.DISPLAY_WIDTH)

    @property
    def display_height(self) -> int:
        return max(1, round(self.height * self.display_width / self.width)) if self.width else self.height
