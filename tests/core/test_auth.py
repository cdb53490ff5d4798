"""Sign-in, throttling, logout, CSRF and password reset, as a person experiences them."""

import pytest
from django.core import mail
from django.test import Client

from pilote.core.enums import Role
from pilote.core.models import LoginFailure
from tests.core.factories import UserFactory


PASSWORD = "mot-de-passe-solide-42"


@pytest.mark.django_db
def test_login_with_email_case_insensitive_lands_on_organisation(client, org_a, members_a):
    user = members_a[Role.ACHETEUR]
    response = client.post("/connexion/", {"email": user.email.upper(), "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == f"/o/{org_a.slug}/"
    assert "Acheteur" in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_says_so_in_french_and_is_recorded(client, user):
    response = client.post("/connexion/", {"email": user.email, "password": "faux"})
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    assert LoginFailure.objects.filter(email=user.email).count() == 1
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_throttled_after_repeated_failures_even_with_right_password(client, user, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post("/connexion/", {"email": user.email, "password": "faux"})
    response = client.post("/connexion/", {"email": user.email, "password": PASSWORD})
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_successful_login_clears_failures(client, user):
    client.post("/connexion/", {"email": user.email, "password": "faux"})
    client.post("/connexion/", {"email": user.email, "password": PASSWORD})
    assert LoginFailure.objects.filter(email=user.email).count() == 0


@pytest.mark.django_db
def test_open_redirect_is_refused(client, user):
    response = client.post(
        "/connexion/", {"email": user.email, "password": PASSWORD, "next": "https://malveillant.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_demo_accounts_refused_in_production(client, settings):
    settings.PRODUCTION = True
    UserFactory(email="agent@demo.pilote.test")
    response = client.post("/connexion/", {"email": "agent@demo.pilote.test", "password": PASSWORD})
    assert "désactivés en production" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_post_without_csrf_token_is_refused_with_french_page(user):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/connexion/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "Formulaire expiré" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_requires_post(client, user):
    client.force_login(user)
    assert client.get("/deconnexion/").status_code == 405
    client.post("/deconnexion/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_a_link_that_works(client, user):
    client.post("/mot-de-passe/oublie/", {"email": user.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/mot-de-passe/nouveau/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    new = "un-nouveau-secret-tres-long"
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True)
    assert "Mot de passe modifié" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(new)


@pytest.mark.django_db
def test_password_reset_for_unknown_address_reveals_nothing(client):
    response = client.post("/mot-de-passe/oublie/", {"email": "inconnu@exemple.fr"}, follow=True)
    assert "Vérifiez votre messagerie" in response.content.decode()
    assert len(mail.outbox) == 0
