"""Permission-matrix extension of the annuaire app (see tests/core/test_permission_matrix.py): each URL
argument gets an object of the organisation under test."""

from pilote.annuaire.models import (
    CharterVersion,
    Enrolment,
    Lesson,
    LessonDocument,
    Module,
    Person,
    ReservistRequest,
    TrainingSession,
)
from pilote.annuaire.services import do_save_charter
from pilote.annuaire.training.services import do_enrol
from tests.annuaire import factories


def _person(organisation):
    return Person.objects.filter(organisation=organisation).first() or factories.person(organisation)


def _lesson(organisation):
    return Lesson.objects.filter(organisation=organisation).first() or factories.lesson(organisation)


def _document(organisation):
    document = LessonDocument.objects.filter(lesson__organisation=organisation).first()
    if document is None:
        factories.lesson(organisation, documents=[factories.pdf()], title="Avec document")
        document = LessonDocument.objects.get(lesson__organisation=organisation)
    return document.pk


def _version(organisation):
    version = CharterVersion.objects.filter(organisation=organisation).first()
    return (version or do_save_charter(organisation, actor=None, title="Charte", text="- [ ] Publier")).pk


def _module(organisation):
    return (Module.objects.filter(organisation=organisation).first() or factories.module(organisation)).pk


def _session(organisation):
    session = TrainingSession.objects.filter(module__organisation=organisation).first()
    return (session or factories.session(organisation)).pk


def _enrolment(organisation):
    enrolment = Enrolment.objects.filter(session__module__organisation=organisation).first()
    if enrolment is None:
        session = TrainingSession.objects.get(pk=_session(organisation))
        from pilote.core.models import Membership

        admin = Membership.objects.filter(organisation=organisation, role="admin").first().user
        enrolment = do_enrol(session, _person(organisation), actor=admin)
    return enrolment.pk


def _request(organisation):
    request = ReservistRequest.objects.filter(organisation=organisation).first()
    return (request or factories.reservist_request(organisation)).pk


PUBLIC_VIEWS = {}
KWARG_PROVIDERS = {
    "person_id": lambda organisation: _person(organisation).pk,
    "lesson_id": lambda organisation: _lesson(organisation).pk,
    "document_id": _document,
    "version_id": _version,
    "module_id": _module,
    "session_id": _session,
    "enrolment_id": _enrolment,
    "request_id": _request,
}
