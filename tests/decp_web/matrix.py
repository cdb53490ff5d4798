"""Permission-matrix extension for the data (import) pages: a run belongs to the organisation it was run for."""

from pilote.core.enums import Role
from pilote.core.models import Membership
from pilote.decp.models import ImportRun


def run_of(organisation):
    admin = Membership.objects.filter(organisation=organisation, role=Role.ADMIN).first()
    run = ImportRun.objects.filter(organisation=organisation).first()
    return (run or ImportRun.objects.create(source="x.json", actor=admin.user, organisation=organisation)).pk


KWARG_PROVIDERS = {"run_id": run_of}


def url_host(organisation):
    """The hosts list is the platform's (no organisation): any row serves; non-stewards get 405 on GET anyway."""
    from pilote.decp.models import UrlHost

    return UrlHost.objects.get_or_create(host="www.data.gouv.fr")[0].pk


KWARG_PROVIDERS["host_id"] = url_host
