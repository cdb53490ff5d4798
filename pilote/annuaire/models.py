"""Knowledge network of an organisation: the directory of people (skills, contacts, consent to be seen by
partner organisations, reservist status), lessons learnt with their documents, and the versioned sourcing
charter. Training (modules, sessions, enrolments) and reservist requests live in the subpackages `training/models.py`
and `reserve/models.py`, imported at the end so that Django registers them with this app (label "annuaire")."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from pilote.annuaire.text import normalize
from pilote.core.models import Organisation


class Skill(models.Model):
    """A skill or subject of expertise, shared by all organisations so that matching works across them."""

    name = models.CharField("nom", max_length=120)
    key = models.CharField("clé de recherche", max_length=120, unique=True, editable=False)

    class Meta:
        verbose_name = "compétence"
        verbose_name_plural = "compétences"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = normalize(self.name)
        super().save(*args, **kwargs)


class Person(models.Model):
    """One entry of the directory. Usually a member with an account (`user`), but partners' contacts or
    retired buyers may have none. Visible to other organisations only with `share_with_partners`."""

    organisation = models.ForeignKey(
        Organisation, related_name="directory_entries", on_delete=models.PROTECT, verbose_name="organisation"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="directory_entries",
        on_delete=models.SET_NULL,
        verbose_name="compte Pilote",
    )
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    email = models.EmailField("adresse e-mail")
    phone = models.CharField("téléphone", max_length=40, blank=True)
    job_title = models.CharField("fonction", max_length=200, blank=True)
    department = models.CharField("service", max_length=200, blank=True)
    contact_notes = models.CharField(
        "comment me joindre", max_length=300, blank=True, help_text="Par exemple : disponible le mardi, messagerie."
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="people", verbose_name="compétences")
    segments = models.ManyToManyField(
        "clauses.Segment",
        blank=True,
        related_name="annuaire_people",
        verbose_name="segments d'achat",
        help_text="Familles d'achat sur lesquelles la personne est ressource.",
    )
    share_with_partners = models.BooleanField(
        "visible des organisations partenaires",
        default=False,
        help_text="La personne a donné son accord pour apparaître dans l'annuaire des autres organisations.",
    )
    volunteer_reservist = models.BooleanField(
        "volontaire pour la réserve de l'achat",
        default=False,
        help_text="Accepte d'aider ponctuellement une autre organisation, une fois formée.",
    )
    reservist_qualified_on = models.DateField("qualifiée réserviste le", null=True, blank=True)
    available_from = models.DateField("disponible à partir du", null=True, blank=True)
    available_until = models.DateField("disponible jusqu'au", null=True, blank=True)
    is_demo = models.BooleanField("donnée de démonstration", default=False)
    search_text = models.TextField("texte de recherche", blank=True, editable=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "personne de l'annuaire"
        verbose_name_plural = "personnes de l'annuaire"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint("organisation", Lower("email"), name="annuaire_person_org_email_ci_unique")
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_reservist(self) -> bool:
        return self.volunteer_reservist and self.reservist_qualified_on is not None

    def refresh_search_text(self) -> None:
        """Accent- and case-free text searched by the directory (portable: no database extension)."""
        parts = [self.first_name, self.last_name, self.email, self.job_title, self.department]
        if self.pk:
            parts += [s.name for s in self.skills.all()] + [s.label for s in self.segments.all()]
        parts.append(self.organisation.name)
        self.search_text = normalize(" ".join(parts))


class Lesson(models.Model):
    """A lesson learnt (retour d'expérience): what happened on a purchase, for the next buyer."""

    organisation = models.ForeignKey(
        Organisation, related_name="lessons", on_delete=models.PROTECT, verbose_name="organisation"
    )
    title = models.CharField("titre", max_length=200)
    segment = models.ForeignKey(
        "clauses.Segment",
        null=True,
        blank=True,
        related_name="annuaire_lessons",
        on_delete=models.PROTECT,
        verbose_name="segment d'achat",
    )
    context = models.TextField("contexte")
    actions = models.TextField("ce qui a été fait")
    results = models.TextField("résultats")
    contacts = models.ManyToManyField(Person, blank=True, related_name="lessons", verbose_name="contacts")
    contract_uids = models.TextField(
        "contrats (identifiants DECP)",
        blank=True,
        help_text="Un identifiant de contrat (contrat_uid) par ligne.",
    )
    fiches = models.ManyToManyField(
        "fiches.Fiche", blank=True, related_name="annuaire_lessons", verbose_name="fiches visa liées"
    )
    shared_with_partners = models.BooleanField("partagé avec les organisations partenaires", default=False)
    is_demo = models.BooleanField("donnée de démonstration", default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="auteur",
    )
    search_text = models.TextField("texte de recherche", blank=True, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "retour d'expérience"
        verbose_name_plural = "retours d'expérience"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def contracts(self) -> list[str]:
        return [line.strip() for line in self.contract_uids.splitlines() if line.strip()]

    def refresh_search_text(self) -> None:
        segment = self.segment.label if self.segment_id else ""
        parts = [self.title, segment, self.context, self.actions, self.results, self.contract_uids]
        self.search_text = normalize(" ".join(parts))


class LessonDocument(models.Model):
    """A document attached to a lesson; the file is stored under PILOTE_DATA_DIR and served by a view that
    checks the reader's rights (never from a public media URL)."""

    lesson = models.ForeignKey(Lesson, related_name="documents", on_delete=models.CASCADE, verbose_name="retour")
    original_name = models.CharField("nom du fichier", max_length=200)
    stored_name = models.CharField("nom de stockage", max_length=80, unique=True)
    content_type = models.CharField("type", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="déposé par",
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "document de retour d'expérience"
        verbose_name_plural = "documents de retour d'expérience"
        ordering = ["original_name"]

    def __str__(self):
        return self.original_name


class CharterVersion(models.Model):
    """One saved version of an organisation's sourcing charter. Versions are never edited: every save adds one,
    so the history and the differences between versions stay visible."""

    organisation = models.ForeignKey(
        Organisation, related_name="charter_versions", on_delete=models.PROTECT, verbose_name="organisation"
    )
    number = models.PositiveIntegerField("numéro de version")
    title = models.CharField("titre", max_length=200, default="Charte du sourçage")
    text = models.TextField(
        "texte de la charte",
        help_text="Les lignes commençant par « - [ ] » forment la liste de contrôle utilisée dans la fiche visa.",
    )
    change_note = models.CharField("objet de la modification", max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="auteur",
    )
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "version de la charte du sourçage"
        verbose_name_plural = "versions de la charte du sourçage"
        ordering = ["organisation", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="annuaire_charter_org_number_unique")
        ]

    def __str__(self):
        return f"{self.title} v{self.number}"

    @property
    def checklist(self) -> list[str]:
        from pilote.annuaire.text import checklist_items

        return checklist_items(self.text)


from pilote.annuaire.reserve.models import ReservistNote, ReservistRequest  # noqa: E402
from pilote.annuaire.training.models import Enrolment, Module, TrainingSession  # noqa: E402


__all__ = [
    "CharterVersion",
    "Enrolment",
    "Lesson",
    "LessonDocument",
    "Module",
    "Person",
    "ReservistNote",
    "ReservistRequest",
    "Skill",
    "TrainingSession",
]
