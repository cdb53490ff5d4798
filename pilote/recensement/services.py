"""Every write of the census (`do_*`; the reads are in queries.py). Each function is atomic, validates (full_clean), writes an audit row and sends
e-mails only after commit. Staged uploads (files waiting for the user's confirmation) are kept on disk under
PILOTE_DATA_DIR/private/recensement/ (pilote.core.uploads), never in the database."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from pilote.clauses.queries import segment_for_cpv
from pilote.core.enums import Role
from pilote.core.models import Membership
from pilote.core.services import do_notify, record_event
from pilote.fiches.services import do_create_fiche
from pilote.recensement.audit import RecensementVerb
from pilote.recensement.models import Campaign, CampaignService, CampaignStatus, Need, NeedSource
from pilote.recensement.permissions import CAN_MAKE_FICHE, can_edit_need
from pilote.recensement.queries import existing_keys, fiche_fields, suggest_cpv
from pilote.recensement.spreadsheet import need_key


NEED_FIELDS = (
    "service",
    "objet",
    "description",
    "code_cpv",
    "segment",
    "montant_estime",
    "recurrence",
    "date_souhaitee",
    "site",
    "contrat_en_cours",
    "date_fin_contrat",
    "renouvellement",
)


def _errors_as_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- campaigns -------------------------------------------------------------------------------------------


def _service_names(services) -> list[str]:
    names = []
    for raw in services:
        name = " ".join(str(raw).split())
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    return names


@transaction.atomic
def do_open_campaign(
    organisation, *, actor, year: int, title: str, deadline, big_purchase_threshold, services
) -> Campaign:
    names = _service_names(services)
    if not names:
        raise ValidationError({"services": "Invitez au moins un service."})
    if Campaign.objects.filter(organisation=organisation, year=year).exists():
        raise ValidationError({"year": f"Une campagne de recensement existe déjà pour {year}."})
    campaign = Campaign(
        organisation=organisation,
        year=year,
        title=title,
        deadline=deadline,
        big_purchase_threshold=big_purchase_threshold,
        opened_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    for name in names:
        service = CampaignService(campaign=campaign, name=name)
        service.full_clean()
        service.save()
    record_event(
        actor=actor,
        organisation=organisation,
        verb=RecensementVerb.CAMPAGNE_OUVERTE,
        target=campaign,
        payload={"annee": year, "services": names, "date_limite": deadline.isoformat()},
    )
    recipients = sorted(
        {
            m.user.email
            for m in Membership.objects.filter(
                organisation=organisation, role__in=[Role.AGENT, Role.ACHETEUR]
            ).select_related("user")
            if m.user.is_active
        }
    )
    if recipients:
        link = settings.PILOTE_BASE_URL.rstrip("/") + reverse(
            "recensement:campaign", kwargs={"slug": organisation.slug, "campaign_id": campaign.pk}
        )
        body = (
            f"Bonjour,\n\nLe recensement des besoins {year} de {organisation} est ouvert jusqu'au "
            f"{deadline:%d/%m/%Y}.\nServices invités : {', '.join(names)}.\n\nDéclarez les besoins de votre "
            f"service dans le formulaire ou en déposant un tableur (modèle à télécharger) :\n{link}\n"
        )
        do_notify(
            emails=recipients,
            title=f"Recensement des besoins {year} : à vous de jouer",
            body=body,
            organisation=organisation,
        )
        transaction.on_commit(
            lambda: send_mail(
                subject=f"Recensement des besoins {year} : à vous de jouer",
                message=body,
                from_email=None,
                recipient_list=recipients,
            )
        )
    return campaign


@transaction.atomic
def do_close_campaign(campaign: Campaign, *, actor, confirmed: bool = False) -> Campaign:
    """Close the campaign: irreversible, so the person must have seen the confirmation step (`confirmed`)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_open:
        raise ValidationError("Cette campagne est déjà close.")
    if not confirmed:
        raise ValidationError("Confirmez la clôture de la campagne avant qu'elle soit enregistrée.")
    campaign.status = CampaignStatus.CLOSE
    campaign.save(update_fields=["status"])
    record_event(actor=actor, organisation=campaign.organisation, verb=RecensementVerb.CAMPAGNE_CLOSE, target=campaign)
    return campaign


@transaction.atomic
def do_add_services(campaign: Campaign, *, actor, services) -> list[CampaignService]:
    existing = {s.name.lower() for s in campaign.services.all()}
    created = []
    for name in _service_names(services):
        if name.lower() not in existing:
            service = CampaignService(campaign=campaign, name=name)
            service.full_clean()
            service.save()
            created.append(service)
    if created:
        record_event(
            actor=actor,
            organisation=campaign.organisation,
            verb=RecensementVerb.SERVICES_INVITES,
            target=campaign,
            payload={"services": [s.name for s in created]},
        )
    return created


# --- needs -----------------------------------------------------------------------------------------------


def _check_open(campaign: Campaign):
    if not campaign.is_open:
        raise ValidationError("La campagne est close : les besoins ne peuvent plus être modifiés.")


def _apply(need: Need, fields: dict):
    unknown = set(fields) - set(NEED_FIELDS)
    if unknown:
        raise ValidationError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(need, name, value)
    if need.service_id and need.service.campaign_id != need.campaign_id:
        raise ValidationError({"service": "Ce service n'est pas invité à cette campagne."})
    if "segment" not in fields and need.code_cpv:
        need.segment = segment_for_cpv(need.campaign.organisation, need.code_cpv)
    if need.date_fin_contrat and not need.contrat_en_cours:
        raise ValidationError({"contrat_en_cours": "Indiquez le contrat en cours dont vous donnez la date de fin."})
    need.full_clean()


def _snapshot(need: Need) -> dict:
    out = {}
    for name in NEED_FIELDS:
        value = getattr(need, name)
        out[name] = (
            value.pk if hasattr(value, "pk") else (value.isoformat() if hasattr(value, "isoformat") else str(value))
        )
    return out


@transaction.atomic
def do_create_need(campaign: Campaign, *, actor, fields: dict, source: str = NeedSource.SAISIE) -> Need:
    campaign = Campaign.objects.select_for_update().select_related("organisation").get(pk=campaign.pk)
    _check_open(campaign)
    need = Need(campaign=campaign, created_by=actor, source=source)
    _apply(need, fields)
    need.save()
    record_event(
        actor=actor,
        organisation=campaign.organisation,
        verb=RecensementVerb.BESOIN_AJOUTE,
        target=need,
        payload=_snapshot(need),
    )
    return need


@transaction.atomic
def do_update_need(need: Need, *, actor, roles, fields: dict) -> Need:
    need = Need.objects.select_for_update().select_related("campaign__organisation").get(pk=need.pk)
    if not can_edit_need(actor, roles, need):
        raise ValidationError("Ce besoin ne peut pas être modifié (campagne close, fiche visa créée ou autre auteur).")
    before = _snapshot(need)
    if "code_cpv" in fields and fields["code_cpv"] != need.code_cpv:
        need.cpv_suggere = False
    _apply(need, fields)
    need.save()
    after = _snapshot(need)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    record_event(
        actor=actor,
        organisation=need.campaign.organisation,
        verb=RecensementVerb.BESOIN_MODIFIE,
        target=need,
        payload=changes,
    )
    return need


@transaction.atomic
def do_delete_need(need: Need, *, actor, roles, confirmed: bool = False) -> None:
    """Delete a need for good: the person must have seen the confirmation step (`confirmed`)."""
    need = Need.objects.select_for_update().select_related("campaign__organisation").get(pk=need.pk)
    if not can_edit_need(actor, roles, need):
        raise ValidationError(
            "Ce besoin ne peut pas être supprimé (campagne close, fiche visa créée ou autre auteur)."
        )
    if not confirmed:
        raise ValidationError(f"Confirmez la suppression du besoin « {need.objet} » avant qu'elle soit enregistrée.")
    record_event(
        actor=actor,
        organisation=need.campaign.organisation,
        verb=RecensementVerb.BESOIN_SUPPRIME,
        target=need,
        payload=_snapshot(need),
    )
    need.delete()


# --- spreadsheet import ----------------------------------------------------------------------------------


@transaction.atomic
def do_import_needs(campaign: Campaign, *, actor, parsed, only_valid: bool, filename: str = "") -> list[Need]:
    """Import the checked rows of a spreadsheet (spreadsheet.parse). With rows in error, nothing is imported
    unless the user explicitly asked for the valid rows only. All or nothing: one failure rolls back all."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _check_open(campaign)
    invalid = parsed.invalid_rows
    if invalid and not only_valid:
        raise ValidationError(
            f"Le fichier contient {len(invalid)} ligne(s) en erreur : corrigez-les et déposez-le à nouveau, ou "
            "importez explicitement les lignes valides seulement."
        )
    rows = parsed.valid_rows
    if not rows:
        raise ValidationError("Aucune ligne valide à importer.")
    services = {s.name: s for s in campaign.services.all()}
    existing = existing_keys(campaign)
    suggestions: dict[str, str] = {}
    needs = []
    for row in rows:
        values = dict(row.values)
        key = need_key(values["service"], values["objet"], values["montant_estime"], values.get("site", ""))
        if key in existing:
            raise ValidationError(f"Ligne {row.line} : ce besoin a été déclaré entre-temps ; rien n'a été importé.")
        values["service"] = services[values["service"]]
        suggested = False
        if not values.get("code_cpv"):
            text = f"{values['objet']} {values.get('description', '')}".strip()
            if text not in suggestions:
                found = suggest_cpv(text, 1)
                suggestions[text] = found[0]["code"] if found else ""
            values["code_cpv"], suggested = suggestions[text], bool(suggestions[text])
        need = Need(campaign=campaign, created_by=actor, source=NeedSource.IMPORT, cpv_suggere=suggested)
        try:
            _apply(need, values)
        except ValidationError as error:
            raise ValidationError(f"Ligne {row.line} : {_errors_as_text(error)} Rien n'a été importé.") from error
        need.save()
        existing.add(key)
        needs.append(need)
    record_event(
        actor=actor,
        organisation=campaign.organisation,
        verb=RecensementVerb.IMPORT,
        target=campaign,
        payload={
            "fichier": filename[:200],
            "importees": len(needs),
            "ecartees": len(invalid),
            "lignes_ecartees": [r.line for r in invalid][:200],
        },
    )
    return needs


# --- fiche visa ------------------------------------------------------------------------------------------


@transaction.atomic
def do_make_fiche(need: Need, *, actor, roles):
    """Turn a big purchase into a draft fiche visa (pilote.fiches.services.do_create_fiche), linked to the need."""
    need = Need.objects.select_for_update().select_related("campaign__organisation", "service").get(pk=need.pk)
    if not roles & CAN_MAKE_FICHE:
        raise ValidationError("Seul un agent (prescripteur) rédige une fiche visa.")
    if need.fiche_id:
        raise ValidationError("Une fiche visa a déjà été créée pour ce besoin.")
    if not need.is_big_purchase:
        raise ValidationError("Ce besoin est sous le seuil de la fiche visa obligatoire.")
    if not need.code_cpv:
        raise ValidationError("Indiquez d'abord le code CPV du besoin : la fiche visa en a besoin.")
    fiche = do_create_fiche(need.campaign.organisation, actor=actor, fields=fiche_fields(need))
    need.fiche = fiche
    need.save(update_fields=["fiche", "updated_at"])
    record_event(
        actor=actor,
        organisation=need.campaign.organisation,
        verb=RecensementVerb.FICHE_CREEE,
        target=need,
        payload={"fiche": fiche.pk},
    )
    return fiche
