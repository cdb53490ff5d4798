"""The printable board of a modeller session (PDF by WeasyPrint, like fiches/pdf.py): the objective, its
indicators, the envelope, each scenario's instruments as cards with their score, the minutes. Every user text goes
through Django's auto-escaping template."""

from django.template.loader import render_to_string
from django.utils import timezone

from pilote.strategie import queries


def render_board(session, *, request=None) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    html = render_to_string(
        "strategie/board_pdf.html",
        {
            "session": session,
            "specs": queries.specs(session.objective),
            "rows": queries.scenario_scores(session),
            "notes": session.notes.all(),
            "generated_at": timezone.now(),
        },
        request=request,
    )
    return HTML(string=html, base_url=request.build_absolute_uri("/") if request else None).write_pdf()
