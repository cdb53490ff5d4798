"""Every write of the fiches app. Each function is atomic, validates, writes a FicheEvent (field-level diff
in its payload) and an audit row, and sends e-mails only after commit."""

import hashlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pilote.clauses.queries import guide_for, segment_for_cpv
from pilote.core import uploads
from pilote.core.enums import Role
from pilote.core.models import AuditEvent, Membership
from pilote.core.services import do_notify, record_event
from pilote.fiches import completeness, obligations, workflow
from pilote.fiches.audit import FicheVerb
from pilote.fiches.models import Evaluation, Fiche, FicheAttachment, FicheComment, FicheEvent, Status


# Fields the author edits (everything else is set by the workflow).
EDITABLE_FIELDS = (
    "service_demandeur",
    "objet",
    "besoin",
    "nature",
    "montant_estime",
    "methode_estimation",
    "duree_mois",
    "reconductions",
    "alloti",
    "lots",
    "justification_lot_unique",
    "code_cpv",
    "code_cpv_confirme",
    "segment",
    "date_lancement",
    "urgence",
    "motif_urgence",
    "sourcing_realise",
    "sourcing_fournisseurs",
    "sourcing_charte",
    "reponses_guide",
)
REVIEW_DAYS = 10
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# PDF, office documents and images; checked on content too (pilote.core.uploads).
ATTACHMENT_RULES = uploads.UploadRules(
    extensions=(".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".doc", ".xls", ".png", ".jpg", ".jpeg"),
    max_bytes=lambda: max_attachment_bytes(),
    # Office documents are zip archives: their real size is checked by inflating them as a stream (no bomb kept).
    verify_inflated_size=True,
)


def attachment_storage() -> uploads.PrivateStorage:
    """Attachments under PILOTE_DATA_DIR/private/fiches/<fiche id>/ (formerly PILOTE_DATA_DIR/fiches/)."""
    return uploads.private_storage("fiches")


def max_attachment_bytes() -> int:
    return min(MAX_ATTACHMENT_BYTES, settings.PILOTE_MAX_UPLOAD_BYTES)


def _value(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, Decimal):
        # Plain digits ("300000", "300000.50"), never the exponent form normalize() gives ("3E+5").
        return str(value.quantize(Decimal(1))) if value == value.to_integral() else str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _snapshot(fiche) -> dict:
    return {name: _value(getattr(fiche, name)) for name in EDITABLE_FIELDS}


def _event(fiche, *, actor, verb: FicheVerb, comment="", payload=None, from_status="", to_status=""):
    FicheEvent.objects.create(
        fiche=fiche,
        actor=actor,
        verb=verb.short,
        comment=comment,
        payload=payload or {},
        from_status=from_status,
        to_status=to_status,
    )
    record_event(actor=actor, organisation=fiche.organisation, verb=verb, target=fiche, payload=payload or {})


def _notify(recipients, subject, body):
    recipients = sorted({r for r in recipients if r})
    if recipients:
        do_notify(emails=recipients, title=subject, body=body)  # the same news in the app (bell of the header)
        transaction.on_commit(
            lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
        )


def _link(fiche) -> str:
    return settings.PILOTE_BASE_URL.rstrip("/") + reverse(
        "fiches:detail", kwargs={"slug": fiche.organisation.slug, "fiche_id": fiche.pk}
    )


def reviewers_emails(organisation) -> list[str]:
    """The support service of the organisation, including that of a shared support service supporting it."""
    direct = Membership.objects.filter(organisation=organisation, role=Role.APPUI)
    shared = Membership.objects.filter(
        organisation__supported_organisations=organisation, role__in=[Role.APPUI, Role.ADMIN]
    )
    return [m.user.email for m in (direct | shared).select_related("user") if m.user.is_active]


def buyers_emails(organisation) -> list[str]:
    members = Membership.objects.filter(organisation=organisation, role=Role.ACHETEUR).select_related("user")
    return [m.user.email for m in members if m.user.is_active]


def _apply(fiche, fields):
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(fiche, name, value)
    if fiche.segment_id is None and fiche.code_cpv:
        fiche.segment = segment_for_cpv(fiche.organisation, fiche.code_cpv)
    _validate_business_rules(fiche)
    fiche.full_clean()


def _validate_business_rules(fiche):
    """What a saved fiche, even a draft, must respect; what a submitted one must contain is in completeness.py."""
    from pilote.fiches.cpv import cpv_label

    if fiche.code_cpv and cpv_label(fiche.code_cpv) is None:
        raise ValidationError(
            {"code_cpv": f"Le code CPV « {fiche.code_cpv} » n'existe pas dans la nomenclature CPV 2008."}
        )


class Incomplete(workflow.TransitionRefused):
    """Submission refused: `missing` lists what the fiche lacks (completeness.Missing), shown with links."""

    def __init__(self, missing):
        self.missing = missing
        super().__init__(
            "La fiche est incomplète : " + " ".join(item.message for item in missing) + " Complétez-la puis soumettez."
        )


@transaction.atomic
def do_create_fiche(organisation, *, actor, fields: dict) -> Fiche:
    fiche = Fiche(organisation=organisation, author=actor)
    _apply(fiche, fields)
    fiche.save()
    _event(fiche, actor=actor, verb=FicheVerb.CREEE, to_status=Status.BROUILLON, payload={"champs": _snapshot(fiche)})
    return fiche


@transaction.atomic
def do_update_fiche(fiche: Fiche, *, actor, roles, fields: dict, revision: int) -> Fiche:
    from pilote.fiches.permissions import can_edit

    fiche = Fiche.objects.select_for_update().get(pk=fiche.pk)
    if not can_edit(actor, roles, fiche):
        raise ValidationError("Cette fiche n'est plus modifiable (elle a été soumise ou ne vous appartient pas).")
    if revision != fiche.revision:
        raise ValidationError(
            "La fiche a été modifiée entre-temps par quelqu'un d'autre : rechargez la page pour voir la dernière "
            "version, puis refaites vos modifications."
        )
    before = _snapshot(fiche)
    _apply(fiche, fields)
    after = _snapshot(fiche)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changes:
        return fiche
    fiche.revision += 1
    fiche.save()
    _event(fiche, actor=actor, verb=FicheVerb.MODIFIEE, payload={"modifications": changes})
    return fiche


def check_transition(fiche: Fiche, name: str, *, actor, roles, comment="", retained_clauses=(), justification=""):
    """Every check of a transition, writing nothing: raises workflow.TransitionRefused (Incomplete at submission)
    or ValidationError, else returns what the transition will do (the confirmation step shows it)."""
    transition = workflow.check(fiche, name, user=actor, roles=roles, comment=comment)
    if name == "soumettre":
        missing = completeness.missing(fiche)
        if missing:
            raise Incomplete(missing)
        _validate_business_rules(fiche)
    unmet = []
    if transition.decision:
        foreign = [c for c in retained_clauses if c.organisation_id not in (None, fiche.organisation_id)]
        if foreign:
            raise ValidationError("Une clause retenue appartient à une autre organisation.")
    if transition.is_visa:
        unmet = obligations.unmet(
            obligations.for_fiche(fiche),
            clauses=retained_clauses,
            justification_lot_unique=fiche.justification_lot_unique,
        )
        if unmet and not (justification or "").strip():
            raise workflow.TransitionRefused(
                "Ce visa laisse des obligations non remplies : "
                + " ".join(o.text for o in unmet)
                + " Retenez les clauses correspondantes, ou justifiez par écrit pourquoi elles ne s'appliquent pas."
            )
    return {"transition": transition, "unmet": unmet, "clauses": list(retained_clauses)}


@transaction.atomic
def do_transition(
    fiche: Fiche,
    name: str,
    *,
    actor,
    roles,
    comment: str = "",
    retained_clauses=(),
    revision: int | None = None,
    justification: str = "",
    confirmed: bool = False,
) -> Fiche:
    """Fire a workflow transition (see workflow.TRANSITIONS); raises workflow.TransitionRefused or
    ValidationError with a French reason, leaving the fiche unchanged. A transition marked `confirm` needs
    `confirmed=True` (the person saw the confirmation step); a visa leaving a mandatory obligation unmet needs a
    `justification`, recorded on the fiche and in its history."""
    fiche = Fiche.objects.select_for_update().select_related("organisation", "author").get(pk=fiche.pk)
    if revision is not None and revision != fiche.revision:
        raise workflow.TransitionRefused("La fiche a changé entre-temps : rechargez la page avant d'agir.")
    retained_clauses = list(retained_clauses)
    checked = check_transition(
        fiche,
        name,
        actor=actor,
        roles=roles,
        comment=comment,
        retained_clauses=retained_clauses,
        justification=justification,
    )
    transition = checked["transition"]
    if transition.confirm and not confirmed:
        raise workflow.TransitionRefused(f"Confirmez l'action « {transition.label} » avant qu'elle soit enregistrée.")
    previous = fiche.status
    fiche.status = transition.target
    fiche.revision += 1
    now = timezone.now()
    payload = {}
    if name == "soumettre":
        # Snapshot what the guide recommended at submission: statistics compare it with what is retained.
        guide = guide_for(fiche.organisation, fiche.segment)
        fiche.recommended_clauses.set(
            list(guide.recommended_clauses.all()) + list(guide.common_criteria.all()) if guide else []
        )
        fiche.submitted_at = now
        fiche.review_deadline = timezone.localdate() + timedelta(days=REVIEW_DAYS)
        payload["date_limite"] = fiche.review_deadline.isoformat()
    elif name == "instruire":
        fiche.reviewer = fiche.reviewer or actor
    elif name == "rouvrir":
        payload["decision_precedente"] = previous
        fiche.decided_at = None
    if transition.decision:
        fiche.decided_at = now
        fiche.reviewer = fiche.reviewer or actor
        fiche.decision_comment = comment
        fiche.obligations_non_remplies = [o.as_dict() for o in checked["unmet"]]
        fiche.justification_obligations = justification.strip() if checked["unmet"] else ""
        fiche.save()
        fiche.retained_clauses.set(retained_clauses)
        payload["clauses_retenues"] = [c.pk for c in retained_clauses]
        if checked["unmet"]:
            payload["obligations_non_remplies"] = [o.code for o in checked["unmet"]]
            payload["justification"] = fiche.justification_obligations
    else:
        fiche.save()
    _event(
        fiche,
        actor=actor,
        verb=FicheVerb.for_transition(name),
        comment=comment,
        payload=payload,
        from_status=previous,
        to_status=fiche.status,
    )
    _notify_transition(fiche, transition, actor=actor, comment=comment)
    return fiche


def _notify_transition(fiche, transition, *, actor, comment):
    subject = f"[Pilote] {fiche.reference} : {fiche.get_status_display().lower()}"
    body = (
        f"Bonjour,\n\nLa fiche visa « {fiche.objet} » ({fiche.reference}) est maintenant « {fiche.get_status_display()} »"
        f" (action de {actor}).\n" + (f"\nCommentaire :\n{comment}\n" if comment else "") + f"\n{_link(fiche)}\n"
    )
    if transition.name == "soumettre":
        _notify(reviewers_emails(fiche.organisation), subject, body)
    elif transition.decision:
        # Buyers follow fiches: they run the consultation once the visa is given.
        _notify([fiche.author.email, *buyers_emails(fiche.organisation)], subject, body)
    else:
        _notify([fiche.author.email], subject, body)


def reviewer_choices(organisation):
    """Who may instruct a fiche of the organisation: its support service and that of a shared support service."""
    from django.contrib.auth import get_user_model

    direct = Q(memberships__organisation=organisation, memberships__role=Role.APPUI)
    shared = Q(
        memberships__organisation__supported_organisations=organisation,
        memberships__role__in=[Role.APPUI, Role.ADMIN],
    )
    return get_user_model().objects.filter(direct | shared, is_active=True).distinct().order_by("email")


@transaction.atomic
def do_assign_reviewer(fiche: Fiche, *, actor, reviewer) -> Fiche:
    """Name the support-service member who instructs the fiche (before its decision)."""
    fiche = Fiche.objects.select_for_update().select_related("organisation").get(pk=fiche.pk)
    if fiche.is_decided:
        raise ValidationError("Une fiche décidée n'a plus d'instructeur à désigner : rouvrez-la d'abord.")
    if reviewer is not None and not reviewer_choices(fiche.organisation).filter(pk=reviewer.pk).exists():
        raise ValidationError({"reviewer": "L'instructeur doit être membre du service d'appui de l'organisation."})
    before = fiche.reviewer
    if before == reviewer:
        return fiche
    fiche.reviewer = reviewer
    fiche.revision += 1
    fiche.save()
    _event(
        fiche,
        actor=actor,
        verb=FicheVerb.INSTRUCTEUR,
        payload={"instructeur": [str(before) if before else "", str(reviewer) if reviewer else ""]},
    )
    if reviewer is not None and reviewer != actor:
        _notify(
            [reviewer.email],
            f"[Pilote] {fiche.reference} vous est confiée",
            f"Bonjour,\n\n{actor} vous a désigné(e) pour instruire la fiche « {fiche.objet} ».\n\n{_link(fiche)}\n",
        )
    return fiche


@transaction.atomic
def do_add_comment(fiche: Fiche, *, actor, text: str) -> FicheComment:
    comment = FicheComment(fiche=fiche, author=actor, text=(text or "").strip())
    if not comment.text:
        raise ValidationError("Le commentaire est vide.")
    comment.full_clean()
    comment.save()
    _event(fiche, actor=actor, verb=FicheVerb.COMMENTEE, comment=comment.text)
    others = [fiche.author.email] + ([fiche.reviewer.email] if fiche.reviewer else [])
    _notify(
        [e for e in others if e != actor.email],
        f"[Pilote] Nouveau commentaire sur {fiche.reference}",
        f"{actor} a commenté la fiche « {fiche.objet} » :\n\n{comment.text}\n\n{_link(fiche)}\n",
    )
    return comment


@transaction.atomic
def do_add_attachment(fiche: Fiche, *, actor, uploaded_file) -> FicheAttachment:
    checked = uploads.check_upload(uploaded_file, ATTACHMENT_RULES)
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    storage = attachment_storage()
    storage_name = storage.save(uploads.new_name(checked.name, folder=str(fiche.pk)), uploaded_file)
    try:
        attachment = FicheAttachment(
            fiche=fiche,
            uploaded_by=actor,
            original_name=Path(uploaded_file.name).name[:200],
            content_type=checked.content_type,  # the type checked from the file, not the one the browser sent
            size=uploaded_file.size,
            sha256=digest.hexdigest(),
            storage_name=storage_name,
        )
        attachment.full_clean()
        attachment.save()
        _event(fiche, actor=actor, verb=FicheVerb.PIECE_AJOUTEE, payload={"fichier": attachment.original_name})
    except Exception:  # whatever failed, the stored file must not outlive its row: removed, then re-raised
        storage.delete(storage_name)
        raise
    return attachment


@transaction.atomic
def do_link_contract(fiche: Fiche, *, actor, contrat: dict, check: dict) -> Fiche:
    """Link the fiche to a notified contract found in the DECP data, with the loop-closing check."""
    fiche = Fiche.objects.select_for_update().get(pk=fiche.pk)
    if fiche.status not in (Status.VISEE, Status.VISEE_RESERVES):
        raise ValidationError("Seule une fiche visée peut être rattachée à un marché notifié.")
    if contrat.get("acheteur_id") not in fiche.organisation.sirets:
        raise ValidationError("Ce marché n'a pas été passé par un SIRET de l'organisation.")
    before = fiche.contrat_id
    fiche.contrat_id = contrat["id"]
    fiche.contrat_acheteur_id = contrat["acheteur_id"]
    fiche.contrat_check = check
    fiche.linked_at = timezone.now()
    fiche.revision += 1
    fiche.save()
    _event(
        fiche,
        actor=actor,
        verb=FicheVerb.RATTACHEE,
        payload={"contrat_id": [before, fiche.contrat_id], "verification": check},
    )
    return fiche


@transaction.atomic
def do_save_evaluation(organisation, *, actor, fiche: Fiche | None, fields: dict) -> Evaluation:
    if fiche is not None and fiche.organisation_id != organisation.pk:
        raise ValidationError("Fiche inconnue.")
    evaluation = Evaluation(organisation=organisation, fiche=fiche, author=actor, **fields)
    evaluation.full_clean()
    evaluation.save()
    record_event(
        actor=actor,
        organisation=organisation,
        verb=FicheVerb.EVALUATION_CREEE,
        target=evaluation,
        payload={"contrat_id": evaluation.contrat_id, "fiche": fiche.pk if fiche else None},
    )
    if fiche is not None:
        FicheEvent.objects.create(fiche=fiche, actor=actor, verb="evaluee", payload={"evaluation": evaluation.pk})
    return evaluation


@transaction.atomic
def do_send_overdue_reminders(*, today=None) -> int:
    """E-mail each organisation's support service the list of fiches whose review deadline has passed; at most
    once a day per organisation (an audit row marks the day). Returns the number of e-mails queued."""
    today = today or timezone.localdate()
    overdue = (
        Fiche.objects.filter(status__in=[Status.SOUMISE, Status.EN_INSTRUCTION], review_deadline__lt=today)
        .select_related("organisation")
        .order_by("organisation_id", "review_deadline")
    )
    by_org: dict = {}
    for fiche in overdue:
        by_org.setdefault(fiche.organisation, []).append(fiche)
    sent = 0
    for organisation, fiches in by_org.items():
        if AuditEvent.objects.filter(
            organisation=organisation, verb=FicheVerb.RELANCE, payload__jour=today.isoformat()
        ).exists():
            continue
        lines = "\n".join(f"- {f.reference} « {f.objet} » : date limite {f.review_deadline:%d/%m/%Y}" for f in fiches)
        _notify(
            reviewers_emails(organisation),
            f"[Pilote] {len(fiches)} fiche(s) visa en retard d'instruction",
            f"Bonjour,\n\nCes fiches visa de {organisation} attendent une décision au-delà de leur date limite :\n\n"
            f"{lines}\n\n"
            + settings.PILOTE_BASE_URL.rstrip("/")
            + reverse("fiches:overdue", kwargs={"slug": organisation.slug})
            + "\n",
        )
        record_event(
            actor=None,
            organisation=organisation,
            verb=FicheVerb.RELANCE,
            target=f"{len(fiches)} fiche(s)",
            payload={"jour": today.isoformat(), "fiches": [f.pk for f in fiches]},
        )
        sent += 1
    return sent
