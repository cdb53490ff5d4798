"""Segment guides and clause library: purchase families (segments), per-segment guides with their
version history, and the library of social / environmental clauses and award criteria."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from pilote.clauses.impact import IMPACT_HELP, ImpactCriterion, parse_impact_questions, validate_impact_questions


class Segment(models.Model):
    """A purchase family (segment d'achat), identified by CPV prefixes.

    `organisation` empty = national reference segment shared by everyone; otherwise the organisation's
    own segment (it may refine or add families)."""

    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name="organisation",
        null=True,
        blank=True,
        related_name="segments",
        on_delete=models.PROTECT,
        help_text="Vide : segment de référence national.",
    )
    code = models.SlugField("code", max_length=60)
    label = models.CharField("libellé", max_length=200)
    # CPV prefixes as plain text (one per line or comma-separated) so the model stays portable across databases.
    cpv_prefixes = models.TextField(
        "préfixes CPV", blank=True, help_text="Un préfixe par ligne ou séparés par des virgules (ex. 5552, 1580)."
    )
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "segment d'achat"
        verbose_name_plural = "segments d'achat"
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="clauses_segment_org_code_unique"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(organisation__isnull=True),
                name="clauses_segment_national_code_unique",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def is_national(self) -> bool:
        return self.organisation_id is None

    @property
    def cpv_prefix_list(self) -> list[str]:
        raw = self.cpv_prefixes.replace(",", "\n").replace(";", "\n")
        return [p.strip() for p in raw.split() if p.strip()]

    def matches_cpv(self, code_cpv: str | None) -> bool:
        code = (code_cpv or "").replace("-", "").strip()
        return bool(code) and any(code.startswith(p) for p in self.cpv_prefix_list)


class ClauseKind(models.TextChoices):
    CONDITION_SOCIALE = "condition_sociale", "Clause sociale (condition d'exécution)"
    CONDITION_ENVIRONNEMENTALE = "condition_environnementale", "Clause environnementale (condition d'exécution)"
    CRITERE_SOCIAL = "critere_social", "Critère d'attribution social"
    CRITERE_ENVIRONNEMENTAL = "critere_environnemental", "Critère d'attribution environnemental"
    RESERVATION = "reservation", "Marché réservé"
    SPECIFICATION = "specification", "Spécification technique ou label"


SOCIAL_KINDS = {ClauseKind.CONDITION_SOCIALE, ClauseKind.CRITERE_SOCIAL, ClauseKind.RESERVATION}
ENVIRONMENTAL_KINDS = {ClauseKind.CONDITION_ENVIRONNEMENTALE, ClauseKind.CRITERE_ENVIRONNEMENTAL}


class Clause(models.Model):
    """A clause or award criterion of the library. `organisation` empty = national model clause (read-only);
    otherwise the organisation's own clause, editable by its support service. Every change bumps `version`
    and writes a ClauseRevision with the previous text."""

    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name="organisation",
        null=True,
        blank=True,
        related_name="clauses",
        on_delete=models.PROTECT,
    )
    kind = models.CharField("nature", max_length=40, choices=ClauseKind.choices)
    title = models.CharField("intitulé", max_length=200)
    text = models.TextField("texte de la clause")
    legal_basis = models.CharField("fondement juridique", max_length=300, blank=True)
    segments = models.ManyToManyField(Segment, verbose_name="segments concernés", blank=True, related_name="clauses")
    version = models.PositiveIntegerField("version", default=1)
    is_active = models.BooleanField("active", default=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "clause"
        verbose_name_plural = "clauses"
        ordering = ["kind", "title"]

    def __str__(self):
        return self.title

    @property
    def is_social(self) -> bool:
        return self.kind in SOCIAL_KINDS

    @property
    def is_environmental(self) -> bool:
        return self.kind in ENVIRONMENTAL_KINDS


class ClauseRevision(models.Model):
    """One saved state of a clause (append-only history)."""

    clause = models.ForeignKey(Clause, related_name="revisions", on_delete=models.PROTECT, verbose_name="clause")
    version = models.PositiveIntegerField("version")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="auteur",
    )
    created_at = models.DateTimeField("date", auto_now_add=True)
    snapshot = models.JSONField("contenu", default=dict)
    changes = models.JSONField("modifications", default=dict, blank=True)

    class Meta:
        verbose_name = "version de clause"
        verbose_name_plural = "versions de clauses"
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["clause", "version"], name="clauses_clauserevision_unique")]

    def __str__(self):
        return f"{self.clause} v{self.version}"


class SegmentGuide(models.Model):
    """The guide of a segment: questions the agent answers in the fiche, recommended clauses and criteria,
    legal references, labels, pitfalls, sourcing tips. `organisation` empty = national guide; an organisation
    adapts it by saving its own guide for the segment (which then replaces the national one for it)."""

    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name="organisation",
        null=True,
        blank=True,
        related_name="segment_guides",
        on_delete=models.PROTECT,
    )
    segment = models.ForeignKey(Segment, verbose_name="segment", related_name="guides", on_delete=models.PROTECT)
    summary = models.TextField("enjeux du segment", blank=True)
    questions = models.TextField(
        "questions à se poser", blank=True, help_text="Une question par ligne ; l'agent y répond dans la fiche visa."
    )
    legal_references = models.TextField("références juridiques", blank=True)
    labels = models.TextField("labels et référentiels", blank=True)
    pitfalls = models.TextField("pièges à éviter", blank=True)
    sourcing_tips = models.TextField("conseils de sourçage", blank=True)
    # Section « guide de sourcing et d'analyse des impacts » (responsible negotiation, pilote.clauses.impact).
    sourcing_questions = models.TextField(
        "questions de sourçage",
        blank=True,
        help_text="Une question par ligne, à poser aux opérateurs avant l'appel d'offres (CCP art. R. 2111-1).",
    )
    impact_questions = models.TextField(
        "questions d'impact", blank=True, help_text=IMPACT_HELP, validators=[validate_impact_questions]
    )
    recommended_clauses = models.ManyToManyField(
        Clause, verbose_name="clauses et critères recommandés", blank=True, related_name="recommended_in"
    )
    common_criteria = models.ManyToManyField(
        Clause,
        verbose_name="critères communs de l'organisation",
        blank=True,
        related_name="common_in",
        help_text="Critères que l'organisation applique à toutes ses consultations du segment.",
    )
    version = models.PositiveIntegerField("version", default=1)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "guide de segment"
        verbose_name_plural = "guides de segment"
        ordering = ["segment__label"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "segment"], name="clauses_guide_org_segment_unique"),
            models.UniqueConstraint(
                fields=["segment"], condition=models.Q(organisation__isnull=True), name="clauses_guide_national_unique"
            ),
        ]

    def __str__(self):
        return f"Guide {self.segment}"

    @property
    def question_list(self) -> list[str]:
        return [q.strip() for q in self.questions.splitlines() if q.strip()]

    @property
    def sourcing_question_list(self) -> list[str]:
        return [q.strip() for q in self.sourcing_questions.splitlines() if q.strip()]

    @property
    def impact_question_pairs(self) -> list[tuple[str, str]]:
        """(criterion, question) pairs; lines that no longer parse (saved before a check) are left out."""
        pairs = []
        for line in self.impact_questions.splitlines():
            try:
                pairs += parse_impact_questions(line)
            except ValidationError:
                continue
        return pairs

    @property
    def impact_question_rows(self) -> list[tuple[str, str]]:
        """(criterion label, question) for display."""
        labels = dict(ImpactCriterion.choices)
        return [(labels[criterion], question) for criterion, question in self.impact_question_pairs]


class GuideRevision(models.Model):
    """One saved state of a segment guide (append-only history)."""

    guide = models.ForeignKey(SegmentGuide, related_name="revisions", on_delete=models.PROTECT, verbose_name="guide")
    version = models.PositiveIntegerField("version")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="auteur",
    )
    created_at = models.DateTimeField("date", auto_now_add=True)
    snapshot = models.JSONField("contenu", default=dict)
    changes = models.JSONField("modifications", default=dict, blank=True)

    class Meta:
        verbose_name = "version de guide"
        verbose_name_plural = "versions de guides"
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["guide", "version"], name="clauses_guiderevision_unique")]

    def __str__(self):
        return f"{self.guide} v{self.version}"
