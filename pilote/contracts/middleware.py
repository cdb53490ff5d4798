"""A query over the contract data interrupted at its time limit (db.QueryInterrupted) answers a French page with
status 503, saying what happened, instead of a server error."""

from pilote.contracts.db import QueryInterrupted
from pilote.ui.views import error_page


class QueryInterruptedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, QueryInterrupted):
            return error_page(request, 503, "Calcul trop long", str(exception))
        return None
