"""UI_THEME: the neutral theme by default, the State design system (DSFR) on demand, switched in pilote/ui only."""

import hashlib
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template

from pilote.ui.apps import check_ui_theme
from pilote.ui.themes import THEMES, current_theme


DSFR = Path(settings.BASE_DIR, "pilote", "ui", "static", "vendor", "dsfr")


class SampleForm(forms.Form):
    objet = forms.CharField(label="Objet", help_text="Ce qui est acheté")
    nature = forms.ChoiceField(label="Nature", choices=[("services", "Services"), ("travaux", "Travaux")])
    lots = forms.BooleanField(label="Allotie", required=False)


def render_fields(form) -> str:
    return Template(
        "{% ui_form_errors form %}{% ui_field form.objet %}{% ui_field form.nature %}{% ui_field form.lots %}"
    ).render(Context({"form": form}))


def tag(html: str, element: str, name: str) -> str:
    return re.search(rf'<{element}[^>]*name="{name}"[^>]*>', html).group(0)


@pytest.mark.django_db
def test_neutral_theme_is_the_default_and_loads_no_dsfr(client):
    assert settings.UI_THEME == "neutre"
    html = client.get("/connexion/").content.decode()
    assert 'data-theme="neutre"' in html
    assert "vendor/dsfr" not in html
    assert "fr-header" not in html
    assert 'class="site-header"' in html


@pytest.mark.django_db
def test_dsfr_theme_renders_the_state_layout_with_vendored_files_only(client, settings):
    settings.UI_THEME = "dsfr"
    response = client.get("/connexion/")
    html = response.content.decode()
    assert 'data-theme="dsfr"' in html
    assert 'class="fr-header"' in html
    assert 'class="fr-footer"' in html
    assert '<script type="module" src="/static/vendor/dsfr/dsfr.module.min.js">' in html
    assert '<script nomodule src="/static/vendor/dsfr/dsfr.nomodule.min.js">' in html
    assert "site-header" not in html
    # the policy stays strict: no inline script nor style attribute in the DSFR layout
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html


def test_field_component_follows_the_theme(settings):
    form = SampleForm(data={"objet": "", "nature": "travaux"})
    neutral = render_fields(form)
    assert 'class="field field-error"' in neutral
    assert "fr-" not in neutral

    settings.UI_THEME = "dsfr"
    form = SampleForm(data={"objet": "", "nature": "travaux"})
    dsfr = render_fields(form)
    assert "fr-input-group--error" in dsfr
    assert "fr-alert--error" in dsfr
    assert 'class="fr-input"' in tag(dsfr, "input", "objet")
    assert 'class="fr-select"' in tag(dsfr, "select", "nature")
    assert "fr-checkbox-group" in dsfr
    assert "class=" not in tag(dsfr, "input", "lots")
    # the accessible wiring is the same on both themes: help and errors linked to the input
    assert 'aria-describedby="id_objet-aide id_objet-erreurs"' in dsfr
    assert 'aria-invalid="true"' in dsfr
    assert 'id="id_objet-erreurs"' in dsfr
    assert 'id="id_objet-aide"' in dsfr


def test_badge_component_follows_the_theme(settings):
    template = Template('{% ui_badge "Visée" "succes" %}')
    assert "badge-succes" in template.render(Context())
    assert "fr-badge" not in template.render(Context())
    settings.UI_THEME = "dsfr"
    assert "fr-badge--success" in template.render(Context())


def test_an_unknown_theme_is_refused(settings):
    settings.UI_THEME = "sombre"
    assert [error.id for error in check_ui_theme()] == ["ui.E001"]
    with pytest.raises(ImproperlyConfigured, match="sombre"):
        current_theme()
    settings.UI_THEME = "dsfr"
    assert check_ui_theme() == []


def test_no_design_system_class_outside_the_ui_app():
    """The theme switch is in one place: app templates use the neutral classes and the ui components only."""
    ui = Path(settings.BASE_DIR, "pilote", "ui")
    offenders = [
        f"{template.name}: {match.group(0)}"
        for template in Path(settings.BASE_DIR, "pilote").glob("*/templates/**/*.html")
        if not template.is_relative_to(ui)
        for match in re.finditer(r'class="[^"]*\bfr-[a-z]', template.read_text())
    ]
    assert offenders == []


def test_every_theme_has_its_layout():
    for theme in THEMES.values():
        assert Path(settings.BASE_DIR, "pilote", "ui", "templates", theme.base_template).exists()


def test_vendored_dsfr_is_byte_identical_and_complete():
    """SHA256SUMS lists every vendored file; every font and icon that dsfr.min.css references is shipped (the
    production storage hashes CSS url() references and fails collectstatic on a missing one)."""
    listed = {}
    for line in (DSFR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name] = digest
    for name, digest in listed.items():
        assert hashlib.sha256((DSFR / name).read_bytes()).hexdigest() == digest, name
    shipped = {str(p.relative_to(DSFR)) for p in DSFR.rglob("*") if p.is_file()} - {"SHA256SUMS", "NOTICE"}
    assert shipped == set(listed)
    css = (DSFR / "dsfr.min.css").read_text()
    referenced = {ref for ref in re.findall(r"url\(([^)\"']+)\)", css) if not ref.startswith("data:")}
    assert referenced
    assert referenced <= shipped
    assert "1.15.3" in (DSFR / "NOTICE").read_text()
    assert "Etalab" in (DSFR / "LICENSE.md").read_text()
