"""Every write of a citizen jury (`do_*`): creation with its quotas, volunteers (GDPR: consent, erasure), the seed
published before the draw, the draw, replacements and opinions. The draw itself is pilote.strategie.sortition."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pilote.core.services import record_event
from pilote.core.validators import luhn_ok
from pilote.strategie import figures, sortition
from pilote.strategie.audit import StrategieVerb
from pilote.strategie.models import Jury, JuryMember, Opinion, Quota, Volunteer


def quotas_of(jury) -> list[sortition.Quota]:
    return [sortition.Quota(q.category, q.value, q.minimum, q.maximum) for q in jury.quotas.all()]


def pool_of(jury) -> list[tuple[int, dict]]:
    return [(v.pk, dict(v.strata)) for v in jury.volunteers.filter(erased=False).order_by("pk")]


def _siren(value: str, field: str) -> str:
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    if not digits:
        return ""
    if len(digits) != 9 or not luhn_ok(digits):
        raise ValidationError({field: f"« {value} » n'est pas un numéro SIREN valide (9 chiffres)."})
    return digits


@transaction.atomic
def do_create_jury(organisation, *, actor, quotas: list[tuple[str, str, int, int]], **fields) -> Jury:
    jury = Jury(organisation=organisation, created_by=actor, **fields)
    jury.full_clean()
    if jury.term_end < jury.term_start:
        raise ValidationError({"term_end": "La fin du mandat précède son début."})
    if jury.retention_until < jury.term_end:
        raise ValidationError(
            {"retention_until": "Les données doivent être conservées au moins jusqu'à la fin du mandat."}
        )
    if jury.strategy_id and jury.strategy.organisation_id != organisation.pk:
        raise ValidationError({"strategy": "Stratégie inconnue."})
    jury.save()
    seen = set()
    for number, (category, value, minimum, maximum) in enumerate(quotas, start=1):
        if (category, value) in seen:
            raise ValidationError({"quotas": f"Ligne {number} : la strate « {category} = {value} » est en double."})
        seen.add((category, value))
        if minimum > maximum:
            raise ValidationError({"quotas": f"Ligne {number} : le minimum dépasse le maximum."})
        Quota(jury=jury, category=category, value=value, minimum=minimum, maximum=maximum).full_clean(exclude=["jury"])
        Quota.objects.create(jury=jury, category=category, value=value, minimum=minimum, maximum=maximum)
    record_event(actor=actor, organisation=organisation, verb=StrategieVerb.JURY_CREE, target=jury)
    return jury


@transaction.atomic
def do_add_volunteer(jury, *, actor, consent: bool, strata: dict, **fields) -> Volunteer:
    jury = Jury.objects.select_for_update().get(pk=jury.pk)
    if jury.seed_commitment:
        raise ValidationError("La graine du tirage est publiée : la liste des volontaires est close.")
    if not consent:
        raise ValidationError(
            {"consent": "Le volontaire doit consentir au traitement de ses données pour cette finalité."}
        )
    categories = sorted({q.category for q in jury.quotas.all()})
    missing = [c for c in categories if not str(strata.get(c, "")).strip()]
    if missing:
        raise ValidationError({"strata": f"Indiquez : {', '.join(missing)}."})
    fields["employer_siren"] = _siren(fields.get("employer_siren"), "employer_siren")
    fields["company_siren"] = _siren(fields.get("company_siren"), "company_siren")
    volunteer = Volunteer(
        jury=jury, strata={c: str(strata[c]).strip() for c in categories}, consent_at=timezone.now(), **fields
    )
    volunteer.full_clean()
    volunteer.save()
    record_event(actor=actor, organisation=jury.organisation, verb=StrategieVerb.VOLONTAIRE_INSCRIT, target=jury)
    return volunteer


@transaction.atomic
def do_erase_volunteer(volunteer, *, actor) -> Volunteer:
    """Erase a volunteer's personal data (GDPR request or end of retention); their strata stay for the audit of
    the draw, with nothing that identifies them."""
    volunteer.name = f"Volontaire n° {volunteer.pk} (données effacées)"
    volunteer.email = volunteer.employer_siren = volunteer.company_siren = volunteer.interests = ""
    volunteer.erased = True
    volunteer.save()
    record_event(
        actor=actor,
        organisation=volunteer.jury.organisation,
        verb=StrategieVerb.VOLONTAIRE_EFFACE,
        target=volunteer.jury,
    )
    return volunteer


@transaction.atomic
def do_publish_seed(jury, *, actor, seed: str) -> Jury:
    """Publish the seed's SHA-256 before the draw and freeze the pool; quotas that no draw can satisfy are refused
    here, naming the stratum."""
    jury = Jury.objects.select_for_update().get(pk=jury.pk)
    if jury.seed_commitment:
        raise ValidationError("La graine est déjà publiée.")
    if len(str(seed).strip()) < 8:
        raise ValidationError({"seed": "La graine doit compter au moins 8 caractères."})
    pool = pool_of(jury)
    problems = sortition.quota_problems(pool, quotas_of(jury), jury.size)
    if problems:
        raise ValidationError({"seed": problems})
    jury.seed_commitment = sortition.commitment(str(seed).strip())
    jury.pool_fingerprint = sortition.pool_fingerprint(pool)
    jury.seed_published_at = timezone.now()
    jury.save(update_fields=["seed_commitment", "pool_fingerprint", "seed_published_at"])
    record_event(
        actor=actor,
        organisation=jury.organisation,
        verb=StrategieVerb.GRAINE_PUBLIEE,
        target=jury,
        payload={"empreinte": jury.seed_commitment, "volontaires": len(pool)},
    )
    return jury


def _conflicts(jury, volunteers) -> dict[int, list[str]]:
    declared = {v.pk: {s for s in (v.employer_siren, v.company_siren) if s} for v in volunteers}
    if not any(declared.values()):
        return {}
    return sortition.interest_conflicts(declared, figures.titulaires(jury.organisation))


@transaction.atomic
def do_draw_jury(jury, *, actor, seed: str) -> Jury:
    jury = Jury.objects.select_for_update().get(pk=jury.pk)
    seed = str(seed).strip()
    if not jury.seed_commitment:
        raise ValidationError("Publiez d'abord l'empreinte de la graine : le tirage doit être vérifiable.")
    if jury.drawn_at:
        same = "avec cette graine " if sortition.commitment(seed) == jury.seed_commitment else ""
        raise ValidationError(f"Le jury a déjà été tiré {same}: un second tirage est refusé.")
    if sortition.commitment(seed) != jury.seed_commitment:
        raise ValidationError({"seed": "Cette graine ne correspond pas à l'empreinte publiée."})
    pool, quotas = pool_of(jury), quotas_of(jury)
    if sortition.pool_fingerprint(pool) != jury.pool_fingerprint:
        raise ValidationError("La liste des volontaires a changé depuis la publication de la graine.")
    try:
        selected, reserve = sortition.draw(pool, quotas, jury.size, seed)
    except sortition.Infeasible as error:
        raise ValidationError(str(error)) from error
    volunteers = {v.pk: v for v in jury.volunteers.filter(pk__in=selected)}
    conflicts = _conflicts(jury, volunteers.values())
    for rank, pid in enumerate(selected, start=1):
        JuryMember.objects.create(jury=jury, volunteer=volunteers[pid], rank=rank, conflicts=conflicts.get(pid, []))
    jury.seed = seed
    jury.reserve = reserve
    jury.probabilities = {str(k): v for k, v in sortition.probabilities(pool, quotas, jury.size, seed).items()}
    jury.drawn_at = timezone.now()
    jury.save(update_fields=["seed", "reserve", "probabilities", "drawn_at"])
    record_event(
        actor=actor,
        organisation=jury.organisation,
        verb=StrategieVerb.JURY_TIRE,
        target=jury,
        payload={"graine": seed, "membres": selected, "conflits": len(conflicts)},
    )
    return jury


@transaction.atomic
def do_replace_member(member, *, actor) -> JuryMember:
    jury = Jury.objects.select_for_update().get(pk=member.jury_id)
    if not member.active:
        raise ValidationError("Ce membre a déjà été remplacé.")
    taken = set(jury.members.values_list("volunteer_id", flat=True))
    attrs = {v.pk: dict(v.strata) for v in jury.volunteers.filter(erased=False)}
    members = [(m.volunteer_id, attrs.get(m.volunteer_id, {})) for m in jury.members.filter(active=True)]
    reserve = [(pid, attrs[pid]) for pid in jury.reserve if pid not in taken and pid in attrs]
    chosen = sortition.replacement(members, member.volunteer_id, reserve, quotas_of(jury))
    if chosen is None:
        raise ValidationError("La liste de remplacement est épuisée.")
    member.active = False
    member.save(update_fields=["active"])
    volunteer = jury.volunteers.get(pk=chosen)
    new = JuryMember.objects.create(
        jury=jury,
        volunteer=volunteer,
        rank=jury.members.count() + 1,
        replaces=member,
        conflicts=_conflicts(jury, [volunteer]).get(chosen, []),
    )
    record_event(actor=actor, organisation=jury.organisation, verb=StrategieVerb.MEMBRE_REMPLACE, target=jury)
    return new


@transaction.atomic
def do_record_opinion(jury, *, actor, version, verdict, reasons, minority="", subject="") -> Opinion:
    jury = Jury.objects.get(pk=jury.pk)
    if not jury.drawn_at:
        raise ValidationError("Le jury n'a pas encore été tiré au sort.")
    if version is not None and (jury.strategy_id is None or version.strategy_id != jury.strategy_id):
        raise ValidationError({"version": "Cette version n'est pas dans le mandat du jury."})
    subject = subject or (f"{version.strategy} — version {version.number}" if version else "")
    if not subject:
        raise ValidationError({"subject": "Indiquez l'objet de l'avis."})
    opinion = Opinion(
        jury=jury,
        version=version,
        subject=subject,
        verdict=verdict,
        reasons=reasons,
        minority=minority,
        recorded_by=actor,
    )
    opinion.full_clean()
    opinion.save()
    record_event(
        actor=actor,
        organisation=jury.organisation,
        verb=StrategieVerb.AVIS_PUBLIE,
        target=jury,
        payload={"avis": verdict, "objet": subject},
    )
    return opinion
