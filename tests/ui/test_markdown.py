"""User Markdown (the sourcing charter) is rendered and sanitised: no raw HTML, no script link."""

import pytest

from pilote.annuaire import services
from pilote.core.enums import Role
from pilote.ui.markdown import render_markdown


def test_markdown_is_rendered_with_headings_below_the_page_title():
    html = render_markdown("# Principes\n\n- **Égalité** de traitement\n- [Guide](https://www.economie.gouv.fr)")
    assert "<h2>Principes</h2>" in html
    assert "<strong>Égalité</strong>" in html
    assert '<a href="https://www.economie.gouv.fr" rel="noopener noreferrer">Guide</a>' in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[clic](javascript:alert(1))",
        '<a href="javascript:alert(1)">clic</a>',
        "[clic](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_hostile_input_comes_out_inert(hostile):
    html = render_markdown(hostile)
    assert "<script" not in html
    assert "<img" not in html
    assert '<a href="javascript' not in html
    assert '<a href="data' not in html


@pytest.mark.django_db
def test_the_charter_page_shows_rendered_markdown(client, org_a, members_a):
    services.do_save_charter(
        org_a,
        actor=members_a[Role.APPUI],
        title="Charte du sourçage",
        text="## Règles\n\n1. **Transparence** : tout échange est tracé.\n\n<b>brut</b>\n\n- [ ] Compte rendu écrit",
        change_note="Première version",
    )
    client.force_login(members_a[Role.AGENT])
    html = client.get(f"/o/{org_a.slug}/annuaire/charte/").content.decode()
    assert "<h3>Règles</h3>" in html
    assert "<strong>Transparence</strong>" in html
    assert "## Règles" not in html
    assert "&lt;b&gt;brut&lt;/b&gt;" in html
