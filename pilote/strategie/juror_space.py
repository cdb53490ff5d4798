"""The jurors' own space: the support service gives each drawn member a personal link (a random token shown once,
only its SHA-256 kept, one active link per member, revocable, valid until the end of the jury's term); with it the
juror reads the public documents of the jury's mandate and records their own opinion on a revision. The support
service sees the individual opinions side by side (`consolidation`) and writes the jury's opinion from them."""

import hashlib
import secrets
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pilote.core.services import record_event
from pilote.strategie.audit import StrategieVerb
from pilote.strategie.models import JurorAccess, JurorOpinion, JuryMember, Verdict


def _hash(token: str) -> str:
    return hashlib.sha256(str(token).encode()).hexdigest()


def access_for(token: str) -> JurorAccess | None:
    """The live access of this token: not revoked, within the jury's term, its member still sitting."""
    if not token or len(token) > 100:
        return None
    return (
        JurorAccess.objects.select_related("member__jury__strategy__objective", "member__jury__organisation")
        .filter(
            token_hash=_hash(token),
            revoked_at__isnull=True,
            expires_on__gte=timezone.localdate(),
            member__active=True,
            member__volunteer__erased=False,
        )
        .first()
    )


@transaction.atomic
def do_issue_juror_link(member: JuryMember, *, actor) -> str:
    """A new personal link for a sitting member (the previous one is revoked); returns the token, shown once."""
    jury = member.jury
    if not member.active or member.volunteer.erased:
        raise ValidationError("Ce membre ne siège plus au jury : aucun lien ne peut lui être donné.")
    if jury.term_end < timezone.localdate():
        raise ValidationError("Le mandat du jury est terminé : aucun lien ne peut être créé.")
    JurorAccess.objects.filter(member=member, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    JurorAccess.objects.create(member=member, token_hash=_hash(token), expires_on=jury.term_end)
    record_event(actor=actor, organisation=jury.organisation, verb=StrategieVerb.LIEN_JURE, target=jury,
                 payload={"membre": member.rank, "action": "créé"})  # fmt: skip
    return token


@transaction.atomic
def do_revoke_juror_link(member: JuryMember, *, actor) -> int:
    revoked = JurorAccess.objects.filter(member=member, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if not revoked:
        raise ValidationError("Ce membre n'a aucun lien actif.")
    record_event(actor=actor, organisation=member.jury.organisation, verb=StrategieVerb.LIEN_JURE,
                 target=member.jury, payload={"membre": member.rank, "action": "révoqué"})  # fmt: skip
    return revoked


@transaction.atomic
def do_record_juror_opinion(access: JurorAccess, *, version, verdict, reasons) -> JurorOpinion:
    """The juror's own opinion on a revision of the jury's strategy (a new one replaces theirs)."""
    jury = access.member.jury
    if version is None or jury.strategy_id is None or version.strategy_id != jury.strategy_id:
        raise ValidationError({"version": "Cette version n'est pas dans le mandat du jury."})
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": "Choisissez favorable, avec réserves ou défavorable."})
    if not str(reasons).strip():
        raise ValidationError({"reasons": "Indiquez les motifs de votre avis."})
    opinion, _ = JurorOpinion.objects.update_or_create(
        member=access.member, version=version, defaults={"verdict": verdict, "reasons": str(reasons).strip()}
    )
    record_event(actor=None, organisation=jury.organisation, verb=StrategieVerb.AVIS_JURE, target=jury,
                 payload={"version": version.number, "avis": verdict})  # fmt: skip
    return opinion


def consolidation(jury) -> list[dict]:
    """For each version the jury's members gave an opinion on: the count per verdict and the opinions by rank."""
    out = {}
    for opinion in JurorOpinion.objects.filter(member__jury=jury).select_related("version", "member"):
        row = out.setdefault(opinion.version_id, {"version": opinion.version, "opinions": [], "counts": Counter()})
        row["opinions"].append(opinion)
        row["counts"][opinion.get_verdict_display()] += 1
    return [r | {"counts": dict(r["counts"])} for r in out.values()]
