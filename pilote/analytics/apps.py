from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "pilote.analytics"
    label = "analytics"

    def ready(self):
        from pilote.decp.hooks import register_after_import

        register_after_import(build_cockpit_table)


def build_cockpit_table():
    """Write the cockpit's per-contract table (flags, supplier, final amount) into the generation just imported,
    so that each web process loads it instead of computing it on its first cockpit request."""
    from pilote.analytics import duck, queries
    from pilote.decp import store

    generation = store.current_generation_dir()
    if generation is None:
        return
    (_name, select), *_ = queries.materialise_sql(generation / "contrats.parquet")
    duck.write_parquet(select, generation / queries.PREBUILT_FILE)
