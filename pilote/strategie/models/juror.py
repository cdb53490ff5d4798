"""The jurors' own space: a personal access link per jury member (only the SHA-256 of its token is stored; revocable;
it expires with the jury's term) and each juror's individual opinion on a revision, which the support service then
consolidates into the jury's published opinion."""

from django.db import models

from pilote.strategie.models.jury import JuryMember, Verdict
from pilote.strategie.models.strategy import StrategyVersion


class JurorAccess(models.Model):
    member = models.ForeignKey(JuryMember, related_name="accesses", on_delete=models.CASCADE)
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    expires_on = models.DateField("valable jusqu'au")
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "lien personnel de juré"
        verbose_name_plural = "liens personnels de jurés"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Lien du juré n° {self.member.rank}"


class JurorOpinion(models.Model):
    member = models.ForeignKey(JuryMember, related_name="individual_opinions", on_delete=models.CASCADE)
    version = models.ForeignKey(StrategyVersion, related_name="juror_opinions", on_delete=models.CASCADE)
    verdict = models.CharField("avis", max_length=12, choices=Verdict.choices)
    reasons = models.TextField("motifs")
    recorded_at = models.DateTimeField("enregistré le", auto_now=True)

    class Meta:
        verbose_name = "avis individuel de juré"
        verbose_name_plural = "avis individuels de jurés"
        ordering = ["version", "member__rank"]
        constraints = [
            models.UniqueConstraint(fields=["member", "version"], name="strategie_juror_opinion_unique"),
        ]

    def __str__(self):
        return f"Avis du juré n° {self.member.rank} sur la version {self.version.number}"
