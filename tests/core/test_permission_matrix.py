"""Permission matrix: every view × every role × own or other organisation × anonymous.

The URL resolver is walked, so a view added later is covered automatically; a view that is neither
organisation-scoped (`organisation_view`) nor listed as public/authentication makes this test fail.
"""

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from pilote.core.enums import Role
from pilote.core.models import Membership


# Views reachable without an organisation scope, and why.
NOT_ORG_SCOPED = {
    "core:home": "redirects to the current organisation",
    "core:login": "authentication",
    "core:logout": "authentication (POST only)",
    "core:password_reset": "authentication",
    "core:password_reset_done": "authentication",
    "core:password_reset_confirm": "authentication",
    "core:password_reset_complete": "authentication",
    "core:password_change": "own account (login required)",
    "core:password_change_done": "own account (login required)",
    "core:accept_invitation": "authenticated by the invitation token",
    "core:switch_organisation": "checks membership itself (POST only)",
    "core:public_index": "public",
    "core:public_organisation": "public: only organisations that chose to publish",
    "core:healthz": "operations probe",
}


def _extensions():
    """Each app's tests may ship a `matrix.py` with PUBLIC_VIEWS {url name: reason} and KWARG_PROVIDERS
    {url kwarg: function(organisation) -> value of an object of that organisation}."""
    import tests

    public, providers = {}, {}
    for module in pkgutil.iter_modules(tests.__path__):
        try:
            matrix = importlib.import_module(f"tests.{module.name}.matrix")
        except ModuleNotFoundError:
            continue
        public |= getattr(matrix, "PUBLIC_VIEWS", {})
        providers |= getattr(matrix, "KWARG_PROVIDERS", {})
    return public, providers


EXTRA_PUBLIC, KWARG_PROVIDERS = _extensions()
NOT_ORG_SCOPED |= EXTRA_PUBLIC
KWARG_PROVIDERS["membership_id"] = lambda organisation: Membership.objects.filter(organisation=organisation).first().pk


def walk(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in {"admin", "api"}:
                continue  # Django's admin has its own staff checks; the API is covered by each app's API tests
            yield from walk(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def org_views():
    return [(name, p) for name, p in walk() if hasattr(p.callback, "allowed_roles")]


def test_every_view_is_classified():
    unclassified = [
        name for name, p in walk() if not hasattr(p.callback, "allowed_roles") and name not in NOT_ORG_SCOPED
    ]
    assert unclassified == [], f"views without organisation scope nor public justification: {unclassified}"
    assert len(org_views()) >= 6


def kwargs_for(pattern, slug, organisation):
    """URL arguments of an organisation-scoped view, taken from objects of `organisation`."""
    kwargs = {"slug": slug}
    for name in pattern.pattern.converters:
        if name != "slug":
            assert name in KWARG_PROVIDERS, f"add a KWARG_PROVIDERS entry for '{name}' in tests/<app>/matrix.py"
            kwargs[name] = KWARG_PROVIDERS[name](organisation)
    return kwargs


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_matrix_roles_own_and_other_organisation(client, role, org_a, org_b, members_a, members_b):
    client.force_login(members_a[role])
    for name, pattern in org_views():
        own = client.get(pattern_url(name, pattern, org_a))
        if role in pattern.callback.allowed_roles:
            assert own.status_code not in (403, 404), f"{role} must reach {name}"
        else:
            assert own.status_code == 403, f"{role} must be refused {name} (got {own.status_code})"
        # Another organisation's page, even with valid ids of that organisation: not found.
        other = client.get(pattern_url(name, pattern, org_b))
        assert other.status_code == 404, f"{role} of A must not see {name} of B (got {other.status_code})"


def pattern_url(name, pattern, organisation):
    from django.urls import reverse

    return reverse(name, kwargs=kwargs_for(pattern, organisation.slug, organisation))


@pytest.mark.django_db
def test_matrix_anonymous_is_sent_to_login(client, org_a, members_a):
    org_a.is_public = True
    org_a.save()
    for name, pattern in org_views():
        response = client.get(pattern_url(name, pattern, org_a))
        assert response.status_code == 302, name
        assert response["Location"].startswith("/connexion/"), name


@pytest.mark.django_db
def test_public_page_only_when_published(client, org_a, org_b):
    org_a.is_public = True
    org_a.save()
    assert client.get(f"/public/{org_a.slug}/").status_code == 200
    assert client.get(f"/public/{org_b.slug}/").status_code == 404
    index = client.get("/public/").content.decode()
    assert org_a.name in index
    assert org_b.name not in index


@pytest.mark.django_db
def test_admin_cannot_change_role_in_other_organisation(client, org_a, org_b, members_a, members_b):
    client.force_login(members_a[Role.ADMIN])
    target = Membership.objects.get(organisation=org_b, user=members_b[Role.AGENT])
    # Through B's URL: not a member of B.
    assert client.post(f"/o/{org_b.slug}/membres/{target.pk}/role/", {"role": Role.ADMIN}).status_code == 404
    # Through A's URL with B's membership id: not found either.
    assert client.post(f"/o/{org_a.slug}/membres/{target.pk}/role/", {"role": Role.ADMIN}).status_code == 404
    target.refresh_from_db()
    assert target.role == Role.AGENT


@pytest.mark.django_db
def test_non_admin_cannot_post_organisation_changes(client, org_a, members_a):
    client.force_login(members_a[Role.APPUI])
    response = client.post(f"/o/{org_a.slug}/organisation/", {"name": "Piratée", "kind": "commune", "sirets_text": ""})
    assert response.status_code == 403
    org_a.refresh_from_db()
    assert org_a.name == "Organisation A"
