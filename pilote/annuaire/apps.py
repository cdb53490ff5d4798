from django.apps import AppConfig


class AnnuaireConfig(AppConfig):
    name = "pilote.annuaire"
    label = "annuaire"

    def ready(self):
        from pilote.annuaire.demo import prepare_demo
        from pilote.core.demos import register_demo

        register_demo(prepare_demo)
        from pilote.annuaire import queries
        from pilote.annuaire.audit import AnnuaireVerb
        from pilote.annuaire.reserve.audit import ReserveVerb
        from pilote.annuaire.training.audit import FormationVerb
        from pilote.clauses.panels import SegmentPanel, register_segment_panel
        from pilote.core.audit import register_verbs
        from pilote.core.permissions import ALL_ROLES
        from pilote.fiches.panels import FicheChecklist, register_checklist
        from pilote.ui.navigation import register

        register("Annuaire", "annuaire:home", ALL_ROLES, 60)
        for verbs in (AnnuaireVerb, FormationVerb, ReserveVerb):
            register_verbs(verbs)
        # What the knowledge network contributes to the pages of the apps below it.
        register_segment_panel(
            SegmentPanel(
                key="annuaire.lessons",
                title="Retours d'expérience",
                template="annuaire/panels/segment_lessons.html",
                context=queries.lessons_panel,
                order=10,
            )
        )
        register_checklist(
            FicheChecklist(
                key="charte",
                label="Charte de sourçage : points respectés",
                items=queries.sourcing_checklist,
                order=10,
            )
        )
        from pilote.annuaire.home import register_search_sources

        register_search_sources()
