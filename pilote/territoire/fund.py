"""Writes of the local innovation fund (FIL): pools and contributions, calls, applications, forum sessions, the
committee with its declared links, scores, decisions with their legal route (a contract route hands over to a
draft fiche visa), milestones. Atomic, validated, audited."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from pilote.core.services import record_event
from pilote.fiches.services import do_create_fiche
from pilote.territoire import geo, rules
from pilote.territoire.audit import TerritoireVerb
from pilote.territoire.identifiers import clean, company_problem, rna_problem
from pilote.territoire.models import (
    Application,
    Call,
    CommitteeMember,
    Contribution,
    Decision,
    ForumSession,
    GrantSource,
    LegalRoute,
    Milestone,
    Pitch,
    Pool,
    Score,
)  # fmt: skip
from pilote.territoire.models.actors import SourceKind
from pilote.territoire.services import upsert_actor


CONTRACT_ROUTES = (LegalRoute.ACHAT_INNOVANT, LegalRoute.PARTENARIAT)
RD_CPV = "73000000"  # services de recherche et développement


def _audit(organisation, actor, verb, target, **payload):
    record_event(actor=actor, organisation=organisation, verb=verb, target=str(target)[:200], payload=payload)


def _full_clean(obj):
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def do_create_pool(organisation, *, actor, **fields) -> Pool:
    pool = _full_clean(Pool(organisation=organisation, **fields))
    _audit(organisation, actor, TerritoireVerb.FONDS_CREE, pool.name, regle=pool.matching_rule)
    return pool


@transaction.atomic
def do_add_contribution(pool: Pool, *, actor, contributor: str, amount: Decimal, **fields) -> Contribution:
    rules.check_contribution(pool, amount)
    contribution = _full_clean(Contribution(pool=pool, contributor=contributor, amount=amount, **fields))
    _audit(pool.organisation, actor, TerritoireVerb.APPORT, contributor, montant=str(amount), fonds=pool.pk)
    return contribution


def remaining(pool: Pool) -> Decimal:
    raised = pool.contributions.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    granted = Decimal(0)
    for call in pool.calls.all():
        granted += Decision.objects.filter(application__call=call, selected=True).aggregate(s=Sum("amount"))["s"] or 0
    return raised - granted


@transaction.atomic
def do_open_call(organisation, *, actor, pool: Pool, objectives=(), **fields) -> Call:
    if pool.organisation_id != organisation.id:
        raise ValidationError({"pool": "Choisissez un fonds de l'organisation."})
    if fields.get("closes_on") and fields.get("opens_on") and fields["closes_on"] < fields["opens_on"]:
        raise ValidationError({"closes_on": "La clôture doit suivre l'ouverture."})
    if not fields.get("criteria"):
        raise ValidationError({"criteria": "Publiez au moins un critère de sélection."})
    call = _full_clean(Call(organisation=organisation, pool=pool, **fields))
    call.objectives.set([o for o in objectives if o.organisation_id == organisation.id])
    _audit(organisation, actor, TerritoireVerb.APPEL_OUVERT, call.title)
    return call


@transaction.atomic
def do_submit_application(call: Call, *, actor, carrier, **fields) -> Application:
    if carrier.organisation_id != call.organisation_id:
        raise ValidationError({"carrier": "Le porteur doit être un acteur du territoire de l'organisation."})
    cofunders = [Decimal(str(c)) for c in fields.get("cofunders") or []]
    if cofunders and sum(cofunders) != fields.get("cofunding", Decimal(0)):
        raise ValidationError({"cofunders": f"Les apports des cofinanceurs font {rules.euros(sum(cofunders))} : ils "
                                            "doivent faire le total des cofinancements acquis."})  # fmt: skip
    fields["cofunders"] = [str(c) for c in cofunders]
    if fields["requested"] > fields["budget"]:
        raise ValidationError({"requested": "Le montant demandé dépasse le budget de l'initiative."})
    application = _full_clean(Application(call=call, carrier=carrier, **fields))
    _audit(call.organisation, actor, TerritoireVerb.CANDIDATURE, application.title, porteur=carrier.name)
    return application


@transaction.atomic
def do_hold_forum(call: Call, *, actor, held_on, place: str, agenda: str, minutes: str, applications) -> ForumSession:
    forum = _full_clean(ForumSession(call=call, held_on=held_on, place=place, agenda=agenda, minutes=minutes))
    for order, application in enumerate(applications, start=1):
        if application.call_id != call.id:
            raise ValidationError({"applications": "Seules les candidatures de l'appel sont présentées au forum."})
        Pitch.objects.create(forum=forum, application=application, order=order)
    _audit(call.organisation, actor, TerritoireVerb.FORUM, f"Forum du {held_on}", pitches=len(applications))
    return forum


@transaction.atomic
def do_add_member(call: Call, *, actor, name: str, user=None, conflicts=()) -> CommitteeMember:
    member = _full_clean(CommitteeMember(call=call, name=name, user=user))
    member.conflicts.set([a for a in conflicts if a.organisation_id == call.organisation_id])
    _audit(call.organisation, actor, TerritoireVerb.MEMBRE_COMITE, name, liens=[a.name for a in conflicts])
    return member


@transaction.atomic
def do_score(application: Application, *, actor, member: CommitteeMember, values: dict[str, int]) -> list[Score]:
    """A member linked to the carrier (declared link) cannot score the initiative: refused."""
    if member.call_id != application.call_id:
        raise ValidationError("Ce membre ne siège pas au comité de cet appel.")
    if member.conflicts.filter(pk=application.carrier_id).exists():
        raise ValidationError(f"{member.name} a déclaré un lien avec « {application.carrier.name} » : "
                              "il ou elle ne peut pas noter cette initiative (conflit d'intérêts).")  # fmt: skip
    codes = {c["code"] for c in application.call.criteria}
    if set(values) != codes or any(not 0 <= int(v) <= 5 for v in values.values()):
        raise ValidationError("Notez chaque critère publié de 0 à 5.")
    scores = []
    for code, value in values.items():
        score, _ = Score.objects.update_or_create(
            application=application, member=member, criterion=code, defaults={"value": int(value)}
        )
        scores.append(score)
    _audit(application.call.organisation, actor, TerritoireVerb.NOTE, application.title, membre=member.name)
    return scores


def weighted_score(application: Application) -> float | None:
    weights = {c["code"]: float(c.get("weight", 1)) for c in application.call.criteria}
    scores = list(application.scores.all())
    if not scores:
        return None
    total = sum(weights.get(s.criterion, 0) * s.value for s in scores)
    members = len({s.member_id for s in scores})
    return round(total / (members * sum(weights.values())), 2)


@transaction.atomic
def do_decide(application: Application, *, actor, selected: bool, reasons: str, amount=Decimal(0), route="",
              on: dt.date | None = None) -> Decision:  # fmt: skip
    """The decision, with its legal route asked before: a contract route creates a draft fiche visa."""
    on = on or timezone.localdate()
    if Decision.objects.filter(application=application).exists():
        raise ValidationError("Cette candidature a déjà une décision.")
    if not reasons.strip():
        raise ValidationError({"reasons": "Motivez la décision."})
    call = application.call
    decision = Decision(application=application, selected=selected, reasons=reasons, decided_on=on)
    if selected:
        pool = Pool.objects.select_for_update().get(pk=call.pool_id)
        rules.check_grant(pool, amount, remaining(pool))
        if route not in CONTRACT_ROUTES:  # a purchase pays the price of a need: no co-funding to match
            rules.check_matching(pool, amount, application.contributions())
        decision.amount = amount
        decision.route = route
        decision.route_reasons = rules.check_route(route, from_carrier=application.from_carrier, amount=amount, on=on)
        if route in CONTRACT_ROUTES:
            decision.fiche = _draft_fiche(application, actor, amount, route, on)
    decision.save()
    _audit(call.organisation, actor, TerritoireVerb.DECISION, application.title, retenue=selected, voie=route,
           montant=str(decision.amount))  # fmt: skip
    return decision


def _draft_fiche(application, actor, amount, route, on):
    return do_create_fiche(application.call.organisation, actor=actor, fields={
        "service_demandeur": f"Fonds d'investissement local — {application.call.title}"[:200],
        "objet": f"{LegalRoute(route).label} : {application.title}"[:300],
        "besoin": f"{application.summary}\n\nPorteur : {application.carrier.name}. Décision du comité du FIL.",
        "montant_estime": amount, "methode_estimation": "Budget présenté par le porteur au comité du FIL.",
        "code_cpv": RD_CPV, "justification_lot_unique": "Une seule initiative innovante, indivisible.",
        "date_lancement": on + dt.timedelta(days=30), "duree_mois": 12,
    })  # fmt: skip


@transaction.atomic
def do_add_milestone(decision: Decision, *, actor, label: str, due_on, payment=Decimal(0)) -> Milestone:
    if not decision.selected:
        raise ValidationError("Une initiative non retenue n'a pas de suivi.")
    planned = decision.milestones.aggregate(s=Sum("payment"))["s"] or Decimal(0)
    if planned + payment > decision.amount:
        raise ValidationError(
            {"payment": f"L'échéancier dépasserait l'aide attribuée ({rules.euros(decision.amount)})."}
        )
    milestone = _full_clean(Milestone(decision=decision, label=label, due_on=due_on, payment=payment))
    _audit(decision.application.call.organisation, actor, TerritoireVerb.JALON, label)
    return milestone


@transaction.atomic
def do_follow_milestone(milestone: Milestone, *, actor, report: str, done: bool = False) -> Milestone:
    """The carrier's report on a milestone, and the milestone marked done (which releases its payment): done
    needs a report and is not undone."""
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    report = report.strip()
    if milestone.done and not done:
        raise ValidationError({"done": f"Le jalon « {milestone.label} » est déjà atteint : il le reste."})
    if done and not report:
        raise ValidationError({"report": f"Le jalon « {milestone.label} » ne peut être atteint sans compte rendu."})
    milestone.report = report
    milestone.done = done or milestone.done
    _full_clean(milestone)
    _audit(milestone.decision.application.call.organisation, actor, TerritoireVerb.JALON_SUIVI, milestone.label,
           atteint=milestone.done)  # fmt: skip
    return milestone


def fund_grants(organisation) -> list[dict]:
    """The fund's subsidies, for the SCDL export (only the subsidy route: the others are contracts or prizes)."""
    decisions = Decision.objects.filter(
        application__call__organisation=organisation, selected=True, route=LegalRoute.SUBVENTION
    ).select_related("application__carrier", "application__call")
    grants = []
    for d in decisions:
        app = d.application
        grants.append({
            "date": d.decided_on, "reference": f"FIL-{d.pk}", "beneficiaire": app.carrier.name,
            "siret": app.carrier.siret, "rna": app.carrier.rna, "objet": app.title, "montant": d.amount,
            "conditions": "versements à l'atteinte des jalons", "periode": d.decided_on.isoformat(),
            "part": d.amount / app.budget if app.budget else Decimal(1), "dispositif": app.call.title,
            "source": GrantSource.FIL,
        })  # fmt: skip
    return grants


@transaction.atomic
def do_apply(call: Call, *, actor, carrier_name: str, carrier_id: str, commune_code: str = "", **fields):
    """An application by a carrier named with its SIRET or RNA number: the carrier joins the territory's actors
    (source: FIL) or is recognised among them."""
    ident = clean(carrier_id)
    data = {"name": carrier_name.strip(), "commune_code": clean(commune_code)}
    if ident.startswith("W"):
        if rna_problem(ident):
            raise ValidationError({"carrier_id": rna_problem(carrier_id)})
        data["rna"] = ident
    else:
        if company_problem(ident) or len(ident) != 14:
            raise ValidationError({"carrier_id": company_problem(carrier_id) or "Indiquez le SIRET (14 chiffres)."})
        data.update(siret=ident, siren=ident[:9])
    if data["commune_code"] and data["commune_code"] not in geo.communes():
        raise ValidationError({"commune_code": f"Le code commune « {commune_code} » est inconnu du COG."})
    carrier = upsert_actor(call.organisation, data, SourceKind.FIL, call.title)
    return do_submit_application(call, actor=actor, carrier=carrier, **fields)
