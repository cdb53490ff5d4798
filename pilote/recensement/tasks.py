"""The background read of a big census spreadsheet (django-tasks, database backend, run by `db_worker`): the
file staged by the upload page is read in the limited child process (pilote.recensement.cells: memory and CPU
bounded) and its cells, or the reason it is refused, are kept beside it for the page that polls."""

import logging

from django_tasks import task

from pilote.recensement import cells, spreadsheet, staging


logger = logging.getLogger("pilote.recensement")


def read_staged(token: str) -> str:
    """Read the staged file `token`; returns the state reached ("ready" or "refused")."""
    data = staging.staged_bytes(token)
    if data is None:
        return "missing"
    try:
        table, merged, formulas = spreadsheet.read_table(data)
    except spreadsheet.FileRefused as refusal:
        staging.save_staged_result(token, refusal=str(refusal))
        return "refused"
    except Exception:  # the page must never wait forever: any failure becomes a refusal (logged)
        logger.exception("lecture du dépôt %s en échec", token)
        staging.save_staged_result(
            token,
            refusal="Le tableur n'a pas pu être lu : enregistrez-le en XLSX, ODS ou CSV et déposez-le à nouveau.",
        )
        return "refused"
    staging.save_staged_result(token, cells=cells.dumps(table, merged, formulas))
    return "ready"


@task()
def read_staged_task(token):
    return read_staged(token)
