"""Audit verbs: every verb the code writes is a member of one app's registered TextChoices (pilote.core.audit).

Enforced twice: `record_event` refuses a verb that no registered enum holds (so every test that writes checks
its verbs), and the source holds no free string verb (so a write no test exercises is covered too)."""

import ast
from pathlib import Path

import pytest
from django.db import models

from pilote.annuaire.audit import AnnuaireVerb
from pilote.annuaire.reserve.audit import ReserveVerb
from pilote.annuaire.training.audit import FormationVerb
from pilote.clauses.audit import ClausesVerb
from pilote.core import audit
from pilote.core.audit import CoreVerb
from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from pilote.core.services import record_event
from pilote.fiches.audit import FicheVerb
from pilote.fiches.workflow import TRANSITIONS
from pilote.recensement.audit import RecensementVerb


ROOT = Path(__file__).resolve().parents[2]


def test_each_app_registers_its_verbs():
    registered = audit.registered_enums()
    for enum in (CoreVerb, ClausesVerb, FicheVerb, RecensementVerb, AnnuaireVerb, FormationVerb, ReserveVerb):
        assert enum in registered
    assert audit.registered_verbs()["fiche.viser"] == "fiche visa visée"


def test_every_fiche_transition_has_its_verb():
    for name in TRANSITIONS:
        assert FicheVerb.for_transition(name).short == name


@pytest.mark.django_db
def test_record_event_refuses_a_free_string(org_a):
    with pytest.raises(ValueError, match="not a member of any registered enum"):
        record_event(actor=None, organisation=org_a, verb="fiche.inventee")
    event = record_event(actor=None, organisation=org_a, verb=CoreVerb.ORGANISATION_MODIFIEE)
    assert AuditEvent.objects.get(pk=event.pk).verb == "organisation.modifiee"


def test_a_verb_belongs_to_one_enum_only(monkeypatch):
    monkeypatch.setattr(audit, "_ENUMS", [CoreVerb])

    class Copie(models.TextChoices):
        MEME = "organisation.creee", "doublon"

    with pytest.raises(ValueError, match="already registered"):
        audit.register_verbs(Copie)
    audit.register_verbs(CoreVerb)  # registering the same enum again (ready() run twice) is harmless
    assert audit.registered_enums() == [CoreVerb]


def _verb_arguments():
    """(path, line, node) of every `verb=` argument of a call in pilote/ (migrations excepted)."""
    for path in sorted((ROOT / "pilote").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # A fiche's own history (FicheEvent.verb, its short form) is not the audit trail.
            if isinstance(node, ast.Call) and not ast.unparse(node.func).startswith("FicheEvent."):
                for keyword in node.keywords:
                    if keyword.arg == "verb":
                        yield path.relative_to(ROOT).as_posix(), keyword.value.lineno, keyword.value


def _free_strings(node) -> list[str]:
    return [
        n.value if isinstance(n, ast.Constant) else ast.unparse(n)
        for n in ast.walk(node)
        if (isinstance(n, ast.Constant) and isinstance(n.value, str)) or isinstance(n, ast.JoinedStr)
    ]


def test_no_free_string_verb_in_the_code():
    found = []
    for path, line, node in _verb_arguments():
        strings = _free_strings(node)
        if strings:
            found.append(f"{path}:{line} {strings}")
    assert found == [], "pass a member of the app's audit TextChoices (pilote/<app>/audit.py)"


@pytest.mark.django_db
def test_the_journal_shows_verbs_in_french(client, org_a, members_a):
    record_event(actor=None, organisation=org_a, verb=CoreVerb.MEMBRE_RETIRE, target="x@exemple.fr")
    client.force_login(members_a[Role.ADMIN])
    page = client.get(f"/o/{org_a.slug}/journal/").content.decode()
    assert "<td>Membre retiré</td>" in page
    assert "membre.retire" not in page
