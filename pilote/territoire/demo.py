"""Demo content of the territory for Région Normandie: the real SIAE of Normandie (ASP, July 2019), the real
Fonds vert 2023 grants of Normandie by commune and its 14 measures as schemes, the 190 real schemes for companies'
ecological transition (Mission transition écologique, one left out: its description exceeds the schema's 5,000
characters), the titulaires of the Région's contracts when the contract data is there, and a local innovation fund
whose pool, call, applications, forum and decisions are fictional (labelled as such). Idempotent; written through
the services like any other change."""

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path

from pilote.core.models import Organisation, User
from pilote.strategie.models import Objective
from pilote.territoire import fund, geo, map as territory_map, parsing, services
from pilote.territoire.models import Actor, Call, SourceKind


DEMO = Path(__file__).resolve().parent / "data" / "demo"
FICTION = "(démonstration, fictif)"
CALL_TITLE = "Initiatives locales pour l'emploi et le réemploi 2027"


# The July 2019 SIAE list is real but its publisher's licence is not stated (and it once awaited "approval for
# public release"): it is not redistributed with Pilote (decision 0013). The demo reads it where the project's
# shared data sits beside the checkout, and goes without it elsewhere.
SIAE_LIST = Path(__file__).resolve().parents[3] / "shared/data/territoire/siae/liste_siae_2019-07_normandie_pays-de-la-loire.csv"  # fmt: skip
NORMANDIE_DEPARTEMENTS = {"014", "027", "050", "061", "076"}


def _text(name: str) -> str:
    return (DEMO / name).read_text(encoding="utf-8")


def siae_of_normandie(path: Path = SIAE_LIST) -> str | None:
    """The header and the Normandie rows of the SIAE list (by CODE_DEPARTEMENT), or None when the file is absent."""
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines[1:] if line.split(";", 2)[1] in NORMANDIE_DEPARTEMENTS]
    return "\n".join([lines[0], *rows]) + "\n"


def _known_communes(text: str) -> tuple[str, int]:
    """The Fonds vert rows whose commune is in the COG 2025 or absent ("NULL"); the import refuses the others
    (communes merged since 2023), so the demo leaves them out and says how many."""
    lines = text.splitlines()
    kept = [lines[0]]
    for line in lines[1:]:
        code = line.split(";")[3]
        if code == "NULL" or code.zfill(5) in geo.communes():
            kept.append(line)
    return "\n".join(kept), len(lines) - len(kept)


def _fonds_vert_schemes(region, actor) -> int:
    measures = sorted({row["nom_demarche_ds"] for row in parsing.read_rows(_text("fonds-vert-2023-normandie.csv"))})
    for measure in measures:
        services.do_add_scheme(region, actor=actor, row={
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "fonds-vert-2023/" + measure)), "titre": measure,
            "description": f"Mesure du Fonds vert 2023 (Fonds d'accélération de la transition écologique dans les "
                           f"territoires) : {measure}.",
            "eligibilite": "Collectivités territoriales et leurs groupements, porteurs publics ou privés de projets "
                           "de transition écologique des territoires.",
            "types_aides": "financement", "porteurs": '[{"nom": "État — préfectures de département", "roles": '
                                                      '["financeur", "instructeur"]}]',
            "cibles": "secteur public", "eligibilite_geographique": "PAYS-99100",
            "date_mise_a_jour": "2024-10-04T00:00:00Z",
        })  # fmt: skip
    return len(measures)


def _real_schemes(region, actor) -> int:
    rows = [
        r for r in parsing.read_rows(_text("dispositifs-transition-ecologique.csv")) if len(r["description"]) <= 5000
    ]
    services.do_import_scheme_rows(region, actor=actor, rows=rows, filename="dispositifs-transition-ecologique.csv")
    return len(rows)


def _fund(region, actor):
    pool = fund.do_create_pool(region, actor=actor, name=f"Petit pacte d'innovation normand {FICTION}",
                               matching_rule="plafonne", cap_per_initiative=Decimal(60000),
                               cap_per_contributor=Decimal(100000), is_public=True)  # fmt: skip
    fund.do_add_contribution(pool, actor=actor, contributor="Région Normandie", amount=Decimal(100000),
                             conditions="Initiatives servant l'objectif régional")  # fmt: skip
    fund.do_add_contribution(pool, actor=actor, contributor=f"Fondation d'entreprise {FICTION}", is_public=False,
                             amount=Decimal(50000), conditions="Un euro pour un euro public")  # fmt: skip
    objectives = list(Objective.objects.filter(organisation=region)[:1])
    call = fund.do_open_call(region, actor=actor, pool=pool, title=CALL_TITLE, objectives=objectives,
                             themes=["solidarites", "energie"], eligibility="Structures de l'insertion et associations "
                             "de Normandie ; initiative réalisée en Normandie.", opens_on=dt.date(2027, 1, 15),
                             closes_on=dt.date(2027, 3, 31), criteria=[
                                 {"code": "utilite", "label": "Utilité pour le territoire", "weight": 2},
                                 {"code": "cooperation", "label": "Coopération entre acteurs", "weight": 1}])  # fmt: skip
    siae = list(
        Actor.objects.filter(organisation=region, sources__kind=SourceKind.SIAE).distinct().order_by("name")[:2]
    )
    first = fund.do_submit_application(call, actor=actor, carrier=siae[0], title=f"Recyclerie de quartier {FICTION}",
                                       summary="Collecte, réparation et revente d'objets, avec des salariés en "
                                       "insertion.", budget=Decimal(80000), cofunding=Decimal(40000),
                                       requested=Decimal(40000), from_carrier=True)  # fmt: skip
    second = fund.do_submit_application(call, actor=actor, carrier=siae[1],
                                        title=f"Réparation des équipements des lycées {FICTION}",
                                        summary="Service de réparation des équipements informatiques des lycées "
                                        "demandé par la Région.", budget=Decimal(45000), cofunding=Decimal(0),
                                        requested=Decimal(35000), from_carrier=False)  # fmt: skip
    fund.do_hold_forum(call, actor=actor, held_on=dt.date(2027, 4, 10), place="Caen, Maison des associations",
                       agenda="Présentation de l'appel ; pitchs des initiatives ; questions du public.",
                       minutes=f"Deux initiatives présentées, 40 participants {FICTION}.",
                       applications=[first, second])  # fmt: skip
    linked = fund.do_add_member(call, actor=actor, name=f"Membre lié {FICTION}", conflicts=[siae[0]])
    other = fund.do_add_member(call, actor=actor, name=f"Membre indépendant {FICTION}")
    fund.do_score(first, actor=actor, member=other, values={"utilite": 5, "cooperation": 4})
    fund.do_score(second, actor=actor, member=other, values={"utilite": 4, "cooperation": 3})
    fund.do_score(second, actor=actor, member=linked, values={"utilite": 4, "cooperation": 4})
    fund.do_decide(first, actor=actor, selected=True, reasons="Initiative du porteur, forte utilité sociale.",
                   amount=Decimal(40000), route="subvention", on=dt.date(2027, 5, 2))  # fmt: skip
    fund.do_decide(second, actor=actor, selected=True, reasons="Besoin défini par la Région : c'est un achat.",
                   amount=Decimal(35000), route="achat_innovant", on=dt.date(2027, 5, 2))  # fmt: skip


def prepare_demo() -> list[str]:
    region = Organisation.objects.filter(slug="region-normandie").first()
    actor = User.objects.filter(email="appui@demo.pilote.test").first()
    if not (region and actor) or Call.objects.filter(organisation=region, title=CALL_TITLE).exists():
        return []
    siae = siae_of_normandie()
    if siae is not None:
        services.do_import(region, actor=actor, layout="siae", text=siae, filename="liste_siae_2019-07.csv")
    measures = _fonds_vert_schemes(region, actor)
    schemes = _real_schemes(region, actor)
    fonds_vert, left_out = _known_communes(_text("fonds-vert-2023-normandie.csv"))
    grants = services.do_import(region, actor=actor, layout="fonds_vert", text=fonds_vert,
                                filename="fonds-vert-2023-normandie.csv")  # fmt: skip
    titulaires = territory_map.titulaires(region)
    if titulaires:
        services.do_import_titulaires(region, actor=actor, titulaires=titulaires)
    _fund(region, actor)
    return [f"Territoire : {measures} mesures du Fonds vert et {schemes} dispositifs réels, {grants}, "
            f"{len(titulaires)} titulaires des contrats, un FIL de démonstration ({left_out} projets du Fonds vert laissés de côté : "
            "communes fusionnées depuis 2023, absentes du COG 2025)"]  # fmt: skip
