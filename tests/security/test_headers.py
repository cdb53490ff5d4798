"""Security headers: a Content-Security-Policy that allows no inline script, style or eval and nothing from
another site (so no template may carry an inline script, a style= or an on*= attribute), a Permissions-Policy,
and `Cache-Control: private, no-store` on the pages of a signed-in person and on downloads."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory

from pilote.core.middleware import SecurityHeadersMiddleware
from tests.core.factories import UserFactory


pytestmark = pytest.mark.django_db
TEMPLATES = sorted(Path(settings.BASE_DIR, "pilote").glob("*/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
# rendered to PDF by WeasyPrint only, never served to a browser: their <style> element is the PDF's stylesheet
PDF_ONLY = {"analytics/report_print.html", "fiches/pdf.html", "recensement/plan_pdf.html", "strategie/board_pdf.html"}


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def test_pages_carry_a_strict_content_security_policy(client):
    policy = directives(client.get("/connexion/"))
    for directive in ("default-src", "script-src", "style-src", "connect-src", "font-src"):
        assert policy[directive] == ["'self'"], directive
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_api_documentation_has_the_policy_and_loads_only_vendored_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert directives(response)["script-src"] == ["'self'"]
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert re.findall(r'(?:src|href)="(https?:)?//', html) == []
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert INLINE_SCRIPT.findall(html) == ['<script id="swagger-settings" type="application/json">']


def test_vendored_swagger_ships_with_its_licence():
    vendor = Path(settings.BASE_DIR, "pilote/ui/static/vendor/swagger-ui")
    assert "Apache License" in (vendor / "LICENSE").read_text()
    assert (vendor / "swagger-ui-bundle.js").stat().st_size > 500_000


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_template_has_inline_script_style_or_handler(template):
    text = template.read_text()
    assert INLINE_SCRIPT.findall(text) == []
    assert INLINE_HANDLER.findall(text) == []
    if template.relative_to(template.parents[1]).as_posix() not in PDF_ONLY:
        assert INLINE_STYLE.findall(text) == []


def test_permissions_policy_on_every_response(client):
    policy = client.get("/connexion/")["Permissions-Policy"]
    assert "camera=()" in policy
    assert "geolocation=()" in policy
    assert "microphone=()" in policy


def test_pages_of_a_signed_in_person_are_not_stored(client, org_a, members_a):
    client.force_login(next(iter(members_a.values())))
    response = client.get(f"/o/{org_a.slug}/")
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control


def test_anonymous_public_pages_may_be_cached(client):
    response = client.get("/public/")
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "make_response",
    [
        lambda: FileResponse(iter([b"a;b\n"]), as_attachment=True, filename="export.csv"),
        lambda: HttpResponse(b"a;b", headers={"Content-Disposition": 'attachment; filename="export.csv"'}),
    ],
)
def test_downloads_are_never_stored_even_anonymous(make_response):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/export.csv")
    request.user = AnonymousUser()
    response = SecurityHeadersMiddleware(lambda r: make_response())(request)
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_signed_in_downloads_are_never_stored():
    request = RequestFactory().get("/export.xlsx")
    request.user = UserFactory()
    response = SecurityHeadersMiddleware(lambda r: HttpResponse(b"x"))(request)
    assert "no-store" in response["Cache-Control"]
