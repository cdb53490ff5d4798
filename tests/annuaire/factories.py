"""Objects of the knowledge network for tests, created through the services (as users would)."""

from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pilote.annuaire import services
from pilote.annuaire.models import Person
from pilote.annuaire.reserve import services as services_reserve
from pilote.annuaire.training import services as services_training
from pilote.clauses.models import Segment


_counter = iter(range(1, 1_000_000))


def segment(code):
    """A national reference segment (loaded by the clauses app's data migration)."""
    found = Segment.objects.filter(code=code, organisation__isnull=True).first()
    return found or Segment.objects.create(code=code, label=code.replace("-", " ").capitalize())


def person(organisation, **fields):
    n = next(_counter)
    data = {"first_name": "Camille", "last_name": f"Durand{n}", "email": f"camille.durand{n}@exemple.fr"}
    data.update(fields)
    return services.do_create_person(organisation, actor=None, **data)


def reservist(organisation, skills_text="", **fields):
    entry = person(organisation, volunteer_reservist=True, skills_text=skills_text, **fields)
    Person.objects.filter(pk=entry.pk).update(reservist_qualified_on=timezone.localdate())
    entry.refresh_from_db()
    return entry


def pdf(name="bilan.pdf", size=100):
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"x" * size, content_type="application/pdf")


def lesson(organisation, documents=(), **fields):
    data = {
        "title": "Sourçage des fournitures de bureau",
        "context": "Marché arrivant à échéance.",
        "actions": "Rencontres fournisseurs.",
        "results": "Offres plus nombreuses.",
    }
    data.update(fields)
    data.setdefault("segment", segment("fournitures-bureau"))
    return services.do_create_lesson(organisation, actor=None, uploaded_files=list(documents), **data)


def module(organisation, **fields):
    data = {"title": "Sourcer avant de consulter", "subject": "Méthode du sourçage.", "duration_hours": 7}
    data.update(fields)
    return services_training.do_create_module(organisation, actor=None, **data)


def session(organisation, seats=2, days=10, **fields):
    starts = timezone.now() + timedelta(days=days)
    data = {"starts_at": starts, "ends_at": starts + timedelta(hours=3), "place": "Salle 3, Rouen", "seats": seats}
    data.update(fields)
    return services_training.do_create_session(module(organisation), actor=None, **data)


def reservist_request(organisation, **fields):
    today = timezone.localdate()
    data = {
        "subject": "Renfort sur un marché de restauration",
        "starts_on": today,
        "ends_on": today + timedelta(days=30),
    }
    data.update(fields)
    return services_reserve.do_post_request(organisation, actor=None, **data)


def upload_bytes(upload) -> bytes:
    upload.seek(0)
    return BytesIO(upload.read()).getvalue()
