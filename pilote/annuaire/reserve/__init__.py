"""Reserve of public procurement (réserve de l'achat): models (registered with the annuaire app through
pilote.annuaire.models), services (writes), queries (reads), forms, views and audit verbs."""
