"""Money and kind together: the support a commons initiative receives from the organisation in a year, for the
agreement threshold (loi 2000-321 art. 10, décret 2001-495: above 23 000 € a year, a convention is required).

The initiative is an actor of the territory (pilote.territoire) when it is linked explicitly (`Initiative.actor`)
or, failing that, when an actor of the same organisation carries its SIRET, its SIREN (the legal person the
grant goes to) or its RNA number. Its cash grants of the year are then:
- the rows of the territory's grants (SCDL imports) whose beneficiary is that actor — or one merged into it —
  or carries its identifiers, dated by their convention;
- the local innovation fund's subsidies (FIL decisions, subsidy route) to an application it carried.
Only the grants the organisation itself attributed count towards the threshold (attributor's SIREN among the
organisation's buyer entities, or the organisation's own fund); the others are listed beside, not counted: the
threshold is per attributing authority."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from pilote.communs import permissions as perms, rules, services
from pilote.communs.audit import CommunsVerb
from pilote.communs.models import Initiative
from pilote.core.permissions import has_any_role
from pilote.core.services import record_event
from pilote.territoire.models import Actor, Decision as FundDecision, Grant, LegalRoute


@dataclass
class YearSupport:
    year: int
    kind_eur: Decimal
    cash_eur: Decimal  # attributed by the organisation: counted with kind towards the threshold
    other_cash_eur: Decimal  # attributed by others (État, another authority): shown, not counted
    actor: Actor | None
    grants: list[dict] = field(default_factory=list)

    @property
    def total_eur(self) -> Decimal:
        return self.kind_eur + self.cash_eur

    @property
    def agreement_needed(self) -> bool:
        return rules.agreement_needed(self.cash_eur, self.kind_eur)


def _root(actor: Actor) -> Actor:
    seen = set()
    while actor.merged_into_id and actor.pk not in seen:
        seen.add(actor.pk)
        actor = actor.merged_into
    return actor


def linked_actor(initiative: Initiative) -> Actor | None:
    """The explicit link (followed to the actor kept after a merge), else the actor of the same identifiers."""
    if initiative.actor_id:
        return _root(initiative.actor)
    actors = Actor.objects.filter(organisation_id=initiative.organisation_id, merged_into=None)
    for lookup, value in (
        ("siret", initiative.siret),
        ("siren", initiative.siret[:9]),
        ("rna", initiative.rna),
    ):
        if value:
            found = actors.filter(**{lookup: value}).order_by("pk").first()
            if found:
                return found
    return None


def _merged_family(actor: Actor) -> list[int]:
    """The actor and every actor merged into it (directly or through another)."""
    family, frontier = {actor.pk}, [actor.pk]
    while frontier:
        frontier = list(
            Actor.objects.filter(merged_into__in=frontier).exclude(pk__in=family).values_list("pk", flat=True)
        )
        family.update(frontier)
    return sorted(family)


def _identifiers_match(actor: Actor, initiative: Initiative) -> Q:
    match = Q(beneficiary_id__in=_merged_family(actor))
    sirens = {s for s in (actor.siren, actor.siret[:9], initiative.siret[:9]) if s}
    for siren in sirens:
        match |= Q(beneficiaire_id__startswith=siren)
    for rna in {r for r in (actor.rna, initiative.rna) if r}:
        match |= Q(rna=rna)
    return match


def _own_sirens(organisation) -> set[str]:
    return {siret[:9] for siret in organisation.sirets if siret}


def cash_grants(initiative: Initiative, actor: Actor, year: int) -> list[dict]:
    """Cash grants of `year` to the initiative as a territory actor, each marked `counted` or not."""
    organisation = initiative.organisation
    own = _own_sirens(organisation)
    fund = FundDecision.objects.filter(
        application__call__organisation=organisation,
        application__carrier_id__in=_merged_family(actor),
        selected=True,
        route=LegalRoute.SUBVENTION,
        decided_on__year=year,
    ).select_related("application")
    rows = [
        {"date": d.decided_on, "objet": d.application.title, "montant": d.amount, "attribuant": organisation.name,
         "source": "fonds d'initiatives locales", "reference": f"FIL-{d.pk}", "counted": True}
        for d in fund
    ]  # fmt: skip
    fund_refs = {row["reference"] for row in rows}
    grants = Grant.objects.filter(organisation=organisation, date_convention__year=year).filter(
        _identifiers_match(actor, initiative)
    )
    for grant in grants.order_by("date_convention", "pk"):
        counted = bool(grant.attribuant_siret) and grant.attribuant_siret[:9] in own
        if counted and grant.reference in fund_refs:
            continue  # the fund's own subsidy, exported as SCDL then imported back: already counted once
        rows.append({
            "date": grant.date_convention, "objet": grant.objet, "montant": grant.montant,
            "attribuant": grant.attribuant_nom, "source": grant.get_source_display(), "reference": grant.reference,
            "counted": counted,
        })  # fmt: skip
    return sorted(rows, key=lambda row: (row["date"], row["reference"]))


def _cents(amount) -> Decimal:
    """Euros to the cent (SQLite's SUM may hand back « 9000 » where PostgreSQL gives « 9000.00 »)."""
    return Decimal(amount).quantize(Decimal("0.01"))


def year_support(initiative: Initiative, year: int) -> YearSupport:
    kind = services.in_kind_by_year(initiative).get(year, Decimal(0))
    actor = linked_actor(initiative)
    grants = cash_grants(initiative, actor, year) if actor else []
    return YearSupport(
        year=year,
        kind_eur=_cents(kind),
        cash_eur=_cents(sum((g["montant"] for g in grants if g["counted"]), Decimal(0))),
        other_cash_eur=_cents(sum((g["montant"] for g in grants if not g["counted"]), Decimal(0))),
        actor=actor,
        grants=grants,
    )


def candidate_actors(initiative: Initiative, limit: int = 30) -> list[Actor]:
    """Actors an explicit link may point to: those sharing a significant word of the initiative's name, plus
    the current link (a select of every actor of a territory would run to thousands)."""
    words = [w for w in initiative.name.replace("(", " ").replace(")", " ").split() if len(w) >= 5][:6]
    actors = Actor.objects.filter(organisation_id=initiative.organisation_id, merged_into=None)
    match = Q(pk=initiative.actor_id) if initiative.actor_id else Q(pk__in=[])
    for word in words:
        match |= Q(name__icontains=word)
    return list(actors.filter(match).order_by("name")[:limit])


@transaction.atomic
def do_link_territory_actor(initiative: Initiative, *, territory_actor: Actor | None, actor) -> Initiative:
    """The explicit link to a territory actor of the same organisation (None removes it: identifiers decide)."""
    if not has_any_role(actor, initiative.organisation, perms.CAN_GRANT):
        raise PermissionDenied("Seul le service d'appui lie une initiative à un acteur du territoire.")
    if territory_actor is not None and territory_actor.organisation_id != initiative.organisation_id:
        raise ValidationError({"territory_actor": "Cet acteur n'appartient pas au territoire de l'organisation."})
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    initiative.actor = territory_actor
    initiative.save(update_fields=["actor"])
    record_event(
        actor=actor,
        organisation=initiative.organisation,
        verb=CommunsVerb.ACTEUR_LIE,
        target=initiative.name,
        payload={"territory_actor": territory_actor.pk if territory_actor else None},
    )
    return initiative
