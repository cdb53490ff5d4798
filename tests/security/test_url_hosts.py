"""The allow-list of hosts for imports by address is kept by the platform's data stewards (issue 15): they add and
remove hosts on the data page, the download policy reads them, and nobody else can change the list."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pilote.core.enums import Role
from pilote.decp.errors import ImportFailed
from pilote.decp.models import UrlHost
from pilote.decp.readers import sources
from pilote.decp.readers.sources import UrlPolicy
from pilote.decp.services import clean_host, do_add_url_host


pytestmark = pytest.mark.django_db


@pytest.fixture
def steward(members_a):
    person = members_a[Role.APPUI]
    person.is_data_steward = True
    person.save()
    return person


def test_a_steward_adds_and_removes_a_host_on_the_data_page(client, org_a, steward):
    client.force_login(steward)
    response = client.post(f"/o/{org_a.slug}/donnees/hotes/", {"host": "WWW.Data.Gouv.FR"})
    assert response.status_code == 302
    entry = UrlHost.objects.get()
    assert entry.host == "www.data.gouv.fr"
    assert entry.added_by == steward
    page = client.get(f"/o/{org_a.slug}/donnees/").content.decode()
    assert "www.data.gouv.fr" in page
    assert client.post(f"/o/{org_a.slug}/donnees/hotes/{entry.pk}/retirer/").status_code == 302
    assert not UrlHost.objects.exists()


@pytest.mark.parametrize("role", [Role.APPUI, Role.ADMIN])
def test_members_who_import_but_are_not_stewards_cannot_change_the_list(client, org_a, members_a, role):
    client.force_login(members_a[role])
    assert client.post(f"/o/{org_a.slug}/donnees/hotes/", {"host": "evil.example"}).status_code == 403
    assert not UrlHost.objects.exists()
    entry = UrlHost.objects.create(host="www.data.gouv.fr")
    assert client.post(f"/o/{org_a.slug}/donnees/hotes/{entry.pk}/retirer/").status_code == 403
    assert UrlHost.objects.filter(pk=entry.pk).exists()
    with pytest.raises(PermissionDenied):
        do_add_url_host(org_a, host="evil.example", actor=members_a[role])


@pytest.mark.parametrize("text", ["http://www.data.gouv.fr/x", "localhost", "127.0.0.1:8000", "a..b", "-a.fr", ""])
def test_what_is_not_a_host_name_is_refused_in_french(text):
    with pytest.raises(ValidationError, match="n'est pas un nom d'hôte"):
        clean_host(text)


def test_the_download_policy_reads_the_stewards_hosts(org_a, steward, tmp_path):
    assert UrlPolicy.from_settings().hosts == ()  # empty list: any public https host
    do_add_url_host(org_a, host="www.data.gouv.fr", actor=steward)
    policy = UrlPolicy.from_settings()
    assert policy.hosts == ("www.data.gouv.fr",)
    with pytest.raises(ImportFailed, match="liste des serveurs autorisés"):
        sources.download("https://ailleurs.example/decp.json", tmp_path, policy=policy)
