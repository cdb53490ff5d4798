"""Core domain: people (login by e-mail), organisations with their buyer SIRETs, memberships and roles,
invitations, the audit trail and login failures (throttling)."""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from pilote.core.audit import verb_label
from pilote.core.audit_text import describe_payload
from pilote.core.enums import OrganisationKind, Role
from pilote.core.validators import validate_siret


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person; logs in with their e-mail address (unique, case-insensitive)."""

    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration technique", default=False)
    # A platform role above organisations: only data stewards import the national sources (consolidated files,
    # platforms' feeds); an organisation imports only its own buyers' records (pilote.decp.provenance).
    is_data_steward = models.BooleanField(
        "gestionnaire des données nationales",
        default=False,
        help_text="Peut importer les sources nationales de DECP (fichiers consolidés, flux des plateformes).",
    )
    date_joined = models.DateTimeField("date d'inscription", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        constraints = [models.UniqueConstraint(Lower("email"), name="core_user_email_ci_unique")]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email


class PeerGroup(models.Model):
    """Organisations compared with each other in the cockpit (e.g. "Régions", "Communes de 50 000 à 100 000 habitants")."""

    name = models.CharField("nom", max_length=200, unique=True)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "groupe de pairs"
        verbose_name_plural = "groupes de pairs"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(models.Model):
    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant dans les adresses", max_length=80, unique=True)
    kind = models.CharField("type", max_length=30, choices=OrganisationKind.choices)
    population = models.PositiveIntegerField("population", null=True, blank=True)
    peer_group = models.ForeignKey(
        PeerGroup, verbose_name="groupe de pairs", null=True, blank=True, on_delete=models.SET_NULL
    )
    # A shared support service (service mutualisé) acts for the organisations it supports.
    supported_organisations = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="support_services",
        verbose_name="organisations accompagnées (service mutualisé)",
    )
    is_public = models.BooleanField(
        "publier une vue publique",
        default=False,
        help_text="Si coché, les citoyens voient sans compte la page publique de l'organisation.",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def sirets(self) -> list[str]:
        return [b.siret for b in self.buyer_entities.all()]


class BuyerEntity(models.Model):
    """One SIRET under which the organisation buys (the DECP's acheteur_id)."""

    organisation = models.ForeignKey(
        Organisation, related_name="buyer_entities", on_delete=models.CASCADE, verbose_name="organisation"
    )
    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret])
    label = models.CharField("libellé", max_length=200, blank=True)

    class Meta:
        verbose_name = "entité acheteuse"
        verbose_name_plural = "entités acheteuses"
        ordering = ["siret"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "siret"], name="core_buyerentity_org_siret_unique")
        ]

    def __str__(self):
        return f"{self.siret} {self.label}".strip()


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="memberships", on_delete=models.CASCADE, verbose_name="personne"
    )
    organisation = models.ForeignKey(
        Organisation, related_name="memberships", on_delete=models.CASCADE, verbose_name="organisation"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField("depuis le", auto_now_add=True)

    class Meta:
        verbose_name = "appartenance"
        verbose_name_plural = "appartenances"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="core_membership_user_org_unique")
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An invitation by e-mail to join an organisation with a role. Only the token's hash is stored."""

    organisation = models.ForeignKey(
        Organisation, related_name="invitations", on_delete=models.CASCADE, verbose_name="organisation"
    )
    email = models.EmailField("adresse e-mail")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="invité par"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le")
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)
    sent_count = models.PositiveSmallIntegerField("envois", default=1)

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-created_at"]
        constraints = [
            # One pending invitation per address and organisation: a second one is a resend, not a new row.
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="core_invitation_one_pending_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class AuditEvent(models.Model):
    """Append-only trail of every write made through a service function."""

    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name="auteur"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, verbose_name="organisation"
    )
    verb = models.CharField("action", max_length=80)
    target = models.CharField("objet", max_length=200, blank=True)
    payload = models.JSONField("détails", default=dict, blank=True)

    class Meta:
        verbose_name = "événement d'audit"
        verbose_name_plural = "événements d'audit"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.verb} {self.target}"

    @property
    def verb_label(self) -> str:
        """The verb in French, from the app's registered TextChoices (pilote.core.audit)."""
        return verb_label(self.verb)

    @property
    def details(self) -> list[str]:
        """The payload in French sentences (pilote.core.audit_text)."""
        return describe_payload(self.payload)


class LoginFailure(models.Model):
    """One failed login; recent ones (per e-mail and per address) throttle further attempts."""

    email = models.CharField("adresse saisie", max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True, db_index=True)
    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "échec de connexion"
        verbose_name_plural = "échecs de connexion"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.email}"


class ExportJob(models.Model):
    """An export too big to build inside a request (a cockpit or explorer contract list above
    PILOTE_EXPORT_TASK_ROWS): built by a background task (pilote.core.export_jobs) into the private area
    « exports », downloadable by the members of the organisation that asked, deleted after
    PILOTE_FILE_RETENTION_HOURS. `kind` names the builder an app registered; `query` is the export's address."""

    class Status(models.TextChoices):
        PENDING = "pending", "en attente"
        RUNNING = "running", "en cours"
        DONE = "done", "prêt"
        FAILED = "failed", "échec"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="export_jobs", verbose_name="organisation"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="demandé par"
    )
    kind = models.CharField("type d'export", max_length=40)
    fmt = models.CharField("format", max_length=10)
    query = models.TextField("adresse de l'export", blank=True, max_length=4000)
    title = models.CharField("titre", max_length=200, blank=True)
    rows = models.PositiveIntegerField("lignes", null=True, blank=True)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.CharField("message", max_length=500, blank=True)
    file_name = models.CharField("fichier", max_length=200, blank=True)
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "export en arrière-plan"
        verbose_name_plural = "exports en arrière-plan"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Export {self.title or self.kind} ({self.fmt})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Notification(models.Model):
    """An in-app notice to one person: every event that sends an e-mail also leaves one (pilote.core.notifications),
    so that a person who does not read their mail sees it under the bell of the header."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="notifications", on_delete=models.CASCADE, verbose_name="destinataire"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, verbose_name="organisation"
    )
    title = models.CharField("titre", max_length=300)
    body = models.TextField("message", blank=True)
    link = models.CharField("lien", max_length=500, blank=True)
    created_at = models.DateTimeField("date", auto_now_add=True)
    read_at = models.DateTimeField("lue le", null=True, blank=True)

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="core_notif_user_read_idx")]

    def __str__(self):
        return f"{self.user} — {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


# Personal API tokens (their services: pilote.core.api_tokens).
class Scope(models.TextChoices):
    LECTURE = "lecture", "Lecture seule"


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="personne"
    )
    name = models.CharField("nom", max_length=100)
    scope = models.CharField("portée", max_length=20, choices=Scope.choices, default=Scope.LECTURE)
    key_hash = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    hint = models.CharField("début du jeton", max_length=12)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @property
    def api_token_id(self) -> int:
        """What the API's quota counts (pilote.core.throttling.TokenQuota)."""
        return self.pk

    @property
    def active(self) -> bool:
        return self.revoked_at is None
