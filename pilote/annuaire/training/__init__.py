"""Training catalogue of the knowledge network (université ouverte de l'achat public): models (registered with
the annuaire app through pilote.annuaire.models), services (writes), queries (reads), forms, views and audit verbs."""
