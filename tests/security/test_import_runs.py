"""Import runs (issue 15): a run belongs to the organisation it was run for (its page, report and rejects are
seen there only, whoever started it); every failure ends the run with a French reason; a run left « en cours » by
a crash shows as « interrompu »; uploaded files and downloads do not stay forever."""

import errno
import os
import time
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pilote.core import uploads
from pilote.core.enums import Role
from pilote.core.models import Membership
from pilote.decp import pipeline, tasks
from pilote.decp.models import ImportRun
from pilote.decp.readers import sources


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def both(org_a, org_b, members_a):
    """One person, support service (appui) in A and in B."""
    person = members_a[Role.APPUI]
    Membership.objects.create(user=person, organisation=org_b, role=Role.APPUI)
    return person


def urls(org, run):
    base = f"/o/{org.slug}/donnees/imports/{run.pk}/"
    return [base, base + "rejets.csv"]


@pytest.mark.django_db
def test_run_is_seen_only_by_the_organisation_it_was_run_for(client, org_a, org_b, both):
    run_b = ImportRun.objects.create(source="/x/b.json", source_name="fichier-de-b", actor=both, organisation=org_b)
    client.force_login(both)
    for url in urls(org_b, run_b):
        assert client.get(url).status_code == 200, url
    # the same person, on A's pages: B's run is not A's
    for url in urls(org_a, run_b):
        assert client.get(url).status_code == 404, url
    assert "fichier-de-b" not in client.get(f"/o/{org_a.slug}/donnees/").content.decode()
    assert "fichier-de-b" in client.get(f"/o/{org_b.slug}/donnees/").content.decode()


@pytest.mark.django_db
def test_run_started_for_b_by_a_member_of_both_belongs_to_b(client, org_a, org_b, both,
                                                            django_capture_on_commit_callbacks):  # fmt: skip
    client.force_login(both)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/o/{org_b.slug}/donnees/", {"fichier": SimpleUploadedFile("b.json", b'{"marches": []}')})
    run = ImportRun.objects.get()
    assert run.organisation == org_b
    assert all(client.get(url).status_code == 404 for url in urls(org_a, run))


@pytest.mark.django_db
def test_national_runs_are_shown_to_stewards_only(client, org_a, members_a):
    run = ImportRun.objects.create(source="/x/n.json", source_name="consolide", actor=None, organisation=None)
    appui = members_a[Role.APPUI]
    client.force_login(appui)
    assert all(client.get(url).status_code == 404 for url in urls(org_a, run))
    appui.is_data_steward = True
    appui.save()
    assert all(client.get(url).status_code == 200 for url in urls(org_a, run))
    assert "consolide" in client.get(f"/o/{org_a.slug}/donnees/").content.decode()


def _run(org, user):
    return ImportRun.objects.create(source="/nulle-part/x.json", actor=user, organisation=org)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "le disque du serveur est plein"),
        (MemoryError(), "la mémoire du serveur ne suffit pas"),
        (KeyError("colonne"), "erreur inattendue"),
    ],
)
def test_every_failure_ends_the_run_with_a_french_reason(client, org_a, members_a, monkeypatch, exc, expected):
    def broken(*args, **kwargs):
        raise exc

    monkeypatch.setattr(pipeline, "run_import", broken)
    run = _run(org_a, members_a[Role.APPUI])
    tasks.execute_import_run(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert expected in run.message
    assert "Traceback" not in run.message
    assert "Errno" not in run.message
    assert "colonne" not in run.message
    client.force_login(members_a[Role.APPUI])
    page = unescape(client.get(f"/o/{org_a.slug}/donnees/imports/{run.pk}/").content.decode())
    assert expected in page
    assert "Traceback" not in page


@pytest.mark.django_db
def test_a_run_left_running_by_a_crash_is_marked_interrupted(client, org_a, members_a):
    crashed = _run(org_a, members_a[Role.APPUI])
    alive = _run(org_a, members_a[Role.APPUI])
    ImportRun.objects.filter(pk__in=[crashed.pk, alive.pk]).update(status=ImportRun.Status.RUNNING)
    client.force_login(members_a[Role.APPUI])
    with tasks._run_lock(alive.pk):  # a run really executing holds its lock
        page = unescape(client.get(f"/o/{org_a.slug}/donnees/").content.decode())
        crashed.refresh_from_db()
        alive.refresh_from_db()
        assert crashed.status == ImportRun.Status.INTERRUPTED
        assert "interrompu" in page
        assert alive.status == ImportRun.Status.RUNNING
    detail = unescape(client.get(f"/o/{org_a.slug}/donnees/imports/{crashed.pk}/").content.decode())
    assert "relancez l'import" in detail
    assert 'hx-trigger="every 1s"' not in detail  # finished: the page stops polling


@pytest.mark.django_db
def test_uploaded_file_is_deleted_once_processed(client, org_a, members_a, django_capture_on_commit_callbacks):
    client.force_login(members_a[Role.APPUI])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/o/{org_a.slug}/donnees/", {"fichier": SimpleUploadedFile("a.json", b'{"marches": []}')})
    run = ImportRun.objects.get()
    assert run.finished
    area = uploads.private_storage("decp").location
    left = [f for _, _, files in os.walk(area) for f in files]
    assert left == []


def test_url_cache_drops_old_files(tmp_path):
    old, recent = tmp_path / "vieux.json.part", tmp_path / "recent.json"
    old.write_text("x")
    recent.write_text("y")
    past = time.time() - 3 * 3600
    os.utime(old, (past, past))
    sources.prune_cache(tmp_path, max_age_s=3600)
    assert not old.exists()
    assert recent.exists()


def test_archive_is_checked_on_its_total_not_per_member(tmp_path, monkeypatch):
    """A zip of many members, each under the per-member cap, that together pass the archive's cap: refused
    before the total is written (the audit's 29 MB zip wrote 5.1 GB)."""
    import random
    import zipfile

    from pilote.decp.errors import ImportFailed

    monkeypatch.setattr(sources, "MAX_UNCOMPRESSED", 1024 * 1024)
    monkeypatch.setattr(sources, "MAX_TOTAL_UNCOMPRESSED", 1024 * 1024)
    rng = random.Random(15)
    archive = tmp_path / "bombe.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(10):  # 10 × 300 KB, barely compressible: each member is fine on its own
            zf.writestr(f"part-{i}.json", bytes(rng.getrandbits(8) for _ in range(300 * 1024)))
    work = tmp_path / "work"
    with pytest.raises(ImportFailed, match="l'archive entière dépasse"):
        sources.materialize(archive, work, tmp_path / "cache")
    written = sum(p.stat().st_size for p in work.iterdir())
    assert written <= 1024 * 1024


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_matrix_own_organisation_url_with_another_organisations_run(client, role, org_a, org_b, members_a, members_b):
    """Permission-matrix case: on A's data pages, a run of B (or a national run, for a non-steward) is not found,
    for every role (the generic matrix only tries B's runs on B's URLs)."""
    run_b = ImportRun.objects.create(source="/x/b.json", actor=members_b[Role.ADMIN], organisation=org_b)
    national = ImportRun.objects.create(source="/x/n.json", actor=None, organisation=None)
    client.force_login(members_a[role])
    for run in (run_b, national):
        for url in urls(org_a, run):
            assert client.get(url).status_code in (403, 404), (role, url)


@pytest.mark.django_db
def test_worker_killed_mid_run_is_detected(org_a, members_a):
    """kill -9 of the process running an import: the kernel drops its lock, the run shows as « interrompu »."""
    import signal
    import subprocess
    import sys

    run = _run(org_a, members_a[Role.APPUI])
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl,sys,time; f=open(sys.argv[1],'w'); fcntl.flock(f, fcntl.LOCK_EX); "
         "print('pret', flush=True); time.sleep(60)", str(tasks._lock_path(run.pk))],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "pret"
        assert tasks.mark_interrupted_runs() == 0  # still running
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        assert tasks.mark_interrupted_runs() == 1
    finally:
        if holder.poll() is None:
            holder.kill()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.INTERRUPTED


@pytest.mark.django_db
def test_existing_runs_are_given_to_the_organisation_that_asked_for_them(org_a, members_a):
    """The migration that gave runs an organisation reads it from the audit row of the request."""
    import importlib

    from django.apps import apps

    from pilote.core.models import AuditEvent

    migration = importlib.import_module("pilote.decp.migrations.0002_import_run_organisation")
    asked = ImportRun.objects.create(source="/x/a.json", actor=members_a[Role.APPUI])
    orphan = ImportRun.objects.create(source="/x/n.json", actor=None)
    AuditEvent.objects.create(
        actor=members_a[Role.APPUI], organisation=org_a, verb="decp.import_demande", payload={"import_run": asked.pk}
    )
    migration.runs_for_their_organisation(apps, None)
    asked.refresh_from_db()
    orphan.refresh_from_db()
    assert asked.organisation == org_a
    assert orphan.organisation is None


def test_full_disk_on_the_command_line_is_a_french_message(monkeypatch, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pipeline, "run_import", full)
    path = tmp_path / "a.json"
    path.write_text('{"marches": []}')
    with pytest.raises(CommandError, match="le disque du serveur est plein"):
        call_command("decp", "import", str(path))
