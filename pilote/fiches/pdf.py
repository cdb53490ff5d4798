"""PDF of a fiche visa with its decision, rendered from an HTML template by WeasyPrint (system libraries:
Pango; on Debian `libpango-1.0-0 libpangoft2-1.0-0`, plus a font such as `fonts-dejavu-core`)."""

from django.template.loader import render_to_string
from django.utils import timezone

from pilote.fiches import obligations


def render_pdf(fiche, *, request=None) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    retained = list(fiche.retained_clauses.all())
    html = render_to_string(
        "fiches/pdf.html",
        {
            "fiche": fiche,
            "events": fiche.events.select_related("actor"),
            "retained": retained,
            "obligations": obligations.checklist(fiche, retained),
            "generated_at": timezone.now(),
        },
        request=request,
    )
    return HTML(string=html, base_url=request.build_absolute_uri("/") if request else None).write_pdf()
