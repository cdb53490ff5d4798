"""Permission-matrix extension of the fiches app (see tests/core/test_permission_matrix.py): every fiche URL,
including one URL per workflow transition, is checked for every role, own and other organisation."""

from django.conf import settings

from pilote.fiches.models import Fiche, FicheAttachment
from tests.fiches.factories import agent_of, make_fiche


MATRIX_OBJET = "Fiche de la matrice des permissions"


def matrix_fiche(organisation):
    # Authored by the organisation's agent, so that the agent (who sees only their own fiches) reaches it.
    fiche = Fiche.objects.filter(organisation=organisation, objet=MATRIX_OBJET).first()
    return fiche or make_fiche(organisation, author=agent_of(organisation), objet=MATRIX_OBJET)


def matrix_attachment(organisation):
    fiche = matrix_fiche(organisation)
    attachment = fiche.attachments.first()
    if attachment is None:
        storage_name = f"{fiche.pk}/matrice.pdf"
        path = settings.PILOTE_DATA_DIR / "fiches" / storage_name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4 matrice")
        attachment = FicheAttachment.objects.create(
            fiche=fiche,
            uploaded_by=fiche.author,
            original_name="matrice.pdf",
            content_type="application/pdf",
            size=path.stat().st_size,
            sha256="0" * 64,
            storage_name=storage_name,
        )
    return attachment.pk


PUBLIC_VIEWS = {}
KWARG_PROVIDERS = {
    "fiche_id": lambda organisation: matrix_fiche(organisation).pk,
    "attachment_id": matrix_attachment,
}
