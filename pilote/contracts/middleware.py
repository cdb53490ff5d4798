"""A query over the contract data interrupted at its time limit (db.QueryInterrupted), or a search while the
current generation's index is not built yet (after an upgrade, until the worker's start-up job builds it:
pilote.contracts.upgrade), answers a French page with status 503, saying what happened, instead of a server
error."""

from pilote.contracts.db import QueryInterrupted
from pilote.contracts.search.index import IndexMissing
from pilote.ui.views import error_page


class QueryInterruptedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, QueryInterrupted):
            return error_page(request, 503, "Calcul trop long", str(exception))
        if isinstance(exception, IndexMissing):
            return error_page(
                request,
                503,
                "Index de recherche en préparation",
                "L'index de recherche des données actuelles est en cours de construction après une mise à jour de "
                "Pilote. Réessayez dans quelques minutes.",
            )
        return None
