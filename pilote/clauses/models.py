"""Segment guides and clause library: purchase families (segments), per-segment guides with their
version history, and the library of social / environmental clauses and award criteria."""

from django.db import models


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
