"""Health check, production settings (check --deploy), demo mode, navigation per role, error pages."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pilote.core.demo import ORGANISATIONS, USERS, prepare_demo
from pilote.core.enums import Role
from pilote.core.models import Organisation, User
from pilote.core.validators import siret_problem


ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_database_and_empty_store(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["database"] == "ok"
    assert body["analytics"]["status"] in {"vide", "absent", "ok"}


def run_manage(*args, env_extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "PILOTE_DEMO", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


PRODUCTION_ENV = {
    "PILOTE_ENV": "production",
    "SECRET_KEY": "k3y-" + "x9Y!zQ7#mP2$vL8&" * 4,
    "ALLOWED_HOSTS": "pilote.exemple.fr",
}


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION_ENV | {"PILOTE_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_demo_mode_and_dev_secret(tmp_path):
    result = run_manage("check", env_extra=PRODUCTION_ENV | {"PILOTE_DEMO": "1", "PILOTE_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "mode démonstration est interdit en production" in result.stderr  # config/safety.py, before any check
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", "--deploy", env_extra=env | {"PILOTE_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "clé de développement" in result.stderr


@pytest.mark.django_db
def test_demo_is_idempotent_and_bound_to_valid_real_sirets(settings):
    settings.PILOTE_DEMO = True
    first = prepare_demo()
    assert len(first) > 5
    assert prepare_demo() == []
    for slug, *_rest in ORGANISATIONS:
        for siret in Organisation.objects.get(slug=slug).sirets:
            assert siret_problem(siret) is None
    for email, *_rest in USERS:
        assert User.objects.get(email=email).check_password("pilote-demo")


@pytest.mark.django_db
def test_demo_command_refused_outside_demo_mode(settings):
    settings.PILOTE_DEMO = False
    with pytest.raises(CommandError, match="pas activé"):
        call_command("demo")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "visible", "hidden"),
    [
        ("agent@demo.pilote.test", ["Accueil", "Organisation"], ["Membres", "Journal"]),
        ("appui@demo.pilote.test", ["Accueil", "Membres"], ["Journal"]),
        ("elu@demo.pilote.test", ["Accueil", "Organisation"], ["Membres", "Journal"]),
        ("admin@demo.pilote.test", ["Accueil", "Membres", "Journal", "Organisation"], []),
    ],
)
def test_each_demo_role_sees_its_navigation(client, settings, email, visible, hidden):
    settings.PILOTE_DEMO = True
    prepare_demo()
    client.force_login(User.objects.get(email=email))
    page = client.get("/", follow=True).content.decode()
    nav = page.split('aria-label="Navigation principale"', 1)[1].split("</nav>", 1)[0]
    for label in visible:
        assert f">{label}</a>" in nav, label
    for label in hidden:
        assert f">{label}</a>" not in nav, label


@pytest.mark.django_db
def test_french_404_page(client):
    response = client.get("/nexiste-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.django_db
def test_page_has_landmarks_and_skip_link(client, members_a, org_a):
    client.force_login(members_a[Role.AGENT])
    page = client.get(f"/o/{org_a.slug}/").content.decode()
    assert 'href="#contenu"' in page
    assert 'id="contenu"' in page
    assert 'role="banner"' in page
    assert 'role="contentinfo"' in page
    assert '<html lang="fr"' in page
