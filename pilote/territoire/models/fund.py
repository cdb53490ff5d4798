"""The local innovation fund (FIL): pools with contributors and a matching rule, calls for initiatives tied to
strategy objectives, applications by a carrier, forum sessions, a committee with declared conflicts of interest,
scores against published criteria, decisions with their legal route, and the follow-up of each grant."""

from django.conf import settings
from django.db import models


class MatchingRule(models.TextChoices):
    UN_POUR_UN = "un_pour_un", "un euro du fonds pour un euro apporté"
    PLAFONNE = "plafonne", "un pour un, plafonné par initiative"
    QUADRATIQUE = "quadratique", "quadratique : (somme des racines des apports)² − apports"


class LegalRoute(models.TextChoices):
    SUBVENTION = "subvention", "subvention (loi 2000-321, art. 9-1)"
    ACHAT_INNOVANT = "achat_innovant", "achat innovant sans publicité ni mise en concurrence (R2122-9-1)"
    PARTENARIAT = "partenariat", "partenariat d'innovation (L2172-3)"
    PRIX = "prix", "prix (concours)"


class Pool(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation", related_name="fund_pools", on_delete=models.PROTECT, verbose_name="organisation"
    )
    name = models.CharField("nom", max_length=200)
    matching_rule = models.CharField("règle d'abondement", max_length=20, choices=MatchingRule.choices)
    cap_per_initiative = models.DecimalField("plafond par initiative (€)", max_digits=12, decimal_places=2)
    cap_per_contributor = models.DecimalField("plafond par contributeur (€)", max_digits=12, decimal_places=2)
    is_public = models.BooleanField("page publique du fonds", default=False)

    class Meta:
        verbose_name = "fonds (pot commun)"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Contribution(models.Model):
    pool = models.ForeignKey(Pool, related_name="contributions", on_delete=models.CASCADE)
    contributor = models.CharField("contributeur", max_length=200)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    is_public = models.BooleanField("contributeur public", default=True)
    amount = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)
    conditions = models.CharField("conditions", max_length=300, blank=True)

    class Meta:
        verbose_name = "apport au fonds"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.contributor} : {self.amount} €"


class Call(models.Model):
    organisation = models.ForeignKey(
        "core.Organisation", related_name="fund_calls", on_delete=models.PROTECT, verbose_name="organisation"
    )
    pool = models.ForeignKey(Pool, related_name="calls", on_delete=models.PROTECT, verbose_name="fonds")
    title = models.CharField("intitulé", max_length=200)
    objectives = models.ManyToManyField("strategie.Objective", blank=True, verbose_name="objectifs servis")
    themes = models.JSONField("thématiques", default=list, blank=True)
    eligibility = models.TextField("éligibilité")
    opens_on = models.DateField("ouverture")
    closes_on = models.DateField("clôture")
    criteria = models.JSONField("critères publiés", default=list)  # [{"code", "label", "weight"}]

    class Meta:
        verbose_name = "appel à initiatives"
        ordering = ["-opens_on", "title"]

    def __str__(self):
        return self.title


class Application(models.Model):
    call = models.ForeignKey(Call, related_name="applications", on_delete=models.CASCADE)
    carrier = models.ForeignKey("territoire.Actor", related_name="applications", on_delete=models.PROTECT)
    title = models.CharField("initiative", max_length=200)
    summary = models.TextField("description")
    budget = models.DecimalField("budget total (€)", max_digits=12, decimal_places=2)
    cofunding = models.DecimalField("cofinancements acquis (€)", max_digits=12, decimal_places=2, default=0)
    # each co-funder's amount (strings of decimals): the quadratic rule and the cap per contributor need them
    cofunders = models.JSONField("apports des cofinanceurs (€)", default=list, blank=True)
    requested = models.DecimalField("montant demandé (€)", max_digits=12, decimal_places=2)
    from_carrier = models.BooleanField("initiative conçue par le porteur", default=True)
    submitted_at = models.DateTimeField("déposée le", auto_now_add=True)

    class Meta:
        verbose_name = "candidature"
        ordering = ["pk"]

    def __str__(self):
        return self.title

    def contributions(self):
        """The co-funding one contribution per co-funder; the total alone when they were not detailed."""
        from decimal import Decimal

        if self.cofunders:
            return [Decimal(str(c)) for c in self.cofunders]
        return [self.cofunding] if self.cofunding else []


class ForumSession(models.Model):
    call = models.ForeignKey(Call, related_name="forums", on_delete=models.CASCADE)
    held_on = models.DateField("date")
    place = models.CharField("lieu", max_length=200)
    agenda = models.TextField("ordre du jour")
    minutes = models.TextField("compte rendu public", blank=True)

    class Meta:
        verbose_name = "forum des initiatives locales"
        ordering = ["-held_on"]

    def __str__(self):
        return f"Forum du {self.held_on}"


class Pitch(models.Model):
    forum = models.ForeignKey(ForumSession, related_name="pitches", on_delete=models.CASCADE)
    application = models.ForeignKey(Application, related_name="pitches", on_delete=models.CASCADE)
    order = models.PositiveSmallIntegerField("ordre de passage")

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["forum", "application"], name="territoire_pitch_unique")]

    def __str__(self):
        return f"{self.order}. {self.application}"


class CommitteeMember(models.Model):
    call = models.ForeignKey(Call, related_name="committee", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField("nom", max_length=200)
    conflicts = models.ManyToManyField(
        "territoire.Actor", blank=True, related_name="conflicted_members", verbose_name="liens déclarés"
    )

    class Meta:
        verbose_name = "membre du comité de sélection"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Score(models.Model):
    application = models.ForeignKey(Application, related_name="scores", on_delete=models.CASCADE)
    member = models.ForeignKey(CommitteeMember, related_name="scores", on_delete=models.CASCADE)
    criterion = models.CharField("critère", max_length=40)
    value = models.PositiveSmallIntegerField("note (0 à 5)")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "member", "criterion"], name="territoire_score_unique")
        ]

    def __str__(self):
        return f"{self.criterion} : {self.value}"


class Decision(models.Model):
    application = models.OneToOneField(Application, related_name="decision", on_delete=models.CASCADE)
    selected = models.BooleanField("retenue")
    reasons = models.TextField("motifs")
    amount = models.DecimalField("montant attribué (€)", max_digits=12, decimal_places=2, default=0)
    route = models.CharField("voie juridique", max_length=20, choices=LegalRoute.choices, blank=True)
    route_reasons = models.TextField("pourquoi cette voie", blank=True)
    fiche = models.ForeignKey("fiches.Fiche", null=True, blank=True, on_delete=models.SET_NULL)
    decided_on = models.DateField("décidée le")

    class Meta:
        verbose_name = "décision"

    def __str__(self):
        return f"Décision sur {self.application}"


class Milestone(models.Model):
    decision = models.ForeignKey(Decision, related_name="milestones", on_delete=models.CASCADE)
    label = models.CharField("jalon", max_length=200)
    due_on = models.DateField("échéance")
    payment = models.DecimalField("versement prévu (€)", max_digits=12, decimal_places=2, default=0)
    report = models.TextField("compte rendu", blank=True)
    done = models.BooleanField("atteint", default=False)

    class Meta:
        ordering = ["due_on"]

    def __str__(self):
        return self.label
