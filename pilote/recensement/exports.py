"""Files the census produces: the spreadsheet template to fill in, the example file shipped with the demo
(with a few deliberate errors to show the checks), and the purchase plan as XLSX (xlsxwriter) and PDF
(WeasyPrint, from an HTML template)."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from pilote.core import tabular
from pilote.recensement.spreadsheet import LABELS


TEMPLATE_COLUMNS = list(LABELS)
HINTS = {
    "service": "Nom du service invité",
    "objet": "Ce qu'il faut acheter",
    "description": "Quantités, contraintes, usages",
    "code_cpv": "8 chiffres (facultatif, suggéré sinon)",
    "montant_estime": "Montant de l'année en € HT",
    "recurrence": "ponctuel, annuel ou pluriannuel",
    "date_souhaitee": "JJ/MM/AAAA",
    "site": "Bâtiment, établissement",
    "contrat_en_cours": "Référence du marché actuel",
    "date_fin_contrat": "JJ/MM/AAAA",
    "renouvellement": "oui ou non",
}

# The example file (demo): catering needed by three services on three sites (a grouping opportunity), a big
# purchase, a renewal, and four rows with errors to fix (amount, date, CPV, service).
EXAMPLE_ROWS = [
    ("Éducation", "Restauration scolaire des écoles", "Repas des écoles élémentaires", "55523100", "180 000 €",
     "annuel", "01/09/2027", "Groupe scolaire Jean-Moulin", "MAR-2023-014", "31/08/2027", "oui"),
    ("Solidarités", "Portage de repas à domicile", "Repas livrés aux personnes âgées", "55521100", "45 k€",
     "annuel", "01/09/2027", "Résidence Les Tilleuls", "", "", "non"),
    ("Petite enfance", "Repas des crèches", "Repas et goûters des crèches", "55523100", "38000",
     "annuel", "01/09/2027", "Crèche des Coquelicots", "", "", "non"),
    ("Bâtiments", "Rénovation énergétique du gymnase", "Isolation et chauffage", "45321000", "1,2 M€",
     "ponctuel", "T2 2027", "Gymnase municipal", "", "", "non"),
    ("Informatique", "Renouvellement des postes de travail", "120 ordinateurs portables", "30213100", "96 000",
     "ponctuel", "mars 2027", "Hôtel de ville", "", "", "non"),
    ("Éducation", "Fournitures scolaires", "Cahiers, stylos, manuels", "", "24 000", "annuel", "15/06/2027",
     "Groupe scolaire Jean-Moulin", "", "", "non"),
    ("Espaces verts", "Entretien des espaces verts", "Tonte et taille", "77310000", "environ 30000",
     "annuel", "01/04/2027", "Parcs de la ville", "", "", "non"),
    ("Solidarités", "Transport de personnes à mobilité réduite", "", "60130000", "52 000", "annuel",
     "31/02/2027", "", "", "", "non"),
    ("Éducation", "Nettoyage des écoles", "", "9091000", "60 000", "annuel", "01/09/2027",
     "Groupe scolaire Jean-Moulin", "", "", "non"),
    ("Communication", "Impression du magazine", "", "79810000", "18 000", "annuel", "01/02/2027", "", "", "",
     "non"),
]  # fmt: skip
EXAMPLE_SERVICES = ["Bâtiments", "Éducation", "Espaces verts", "Informatique", "Petite enfance", "Solidarités"]


def _workbook(rows, *, with_hints: bool) -> bytes:
    book = tabular.Workbook()
    sheet = book.add_sheet("Besoins")
    bold = book.add_format({"bold": True, "bg_color": "#E3E3FD", "text_wrap": True, "valign": "top"})
    text = book.add_format({"num_format": "@"})
    for col, name in enumerate(TEMPLATE_COLUMNS):
        sheet.write(0, col, LABELS[name], bold)
        sheet.set_column(col, col, 24 if name in ("objet", "description", "site") else 16)
    sheet.freeze_panes(1, 0)
    if with_hints:
        # Hints go in cell comments, which the import never reads (a hint row would be read as a need).
        for col, name in enumerate(TEMPLATE_COLUMNS):
            sheet.write_comment(0, col, HINTS[name])
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            # Text cells everywhere, as people type them: the import reads "180 000 €" or "T2 2027" itself.
            sheet.write(r, col, str(value), text)
    return book.close()


def template_xlsx() -> bytes:
    return _workbook([], with_hints=True)


# The example shipped with the project (regenerate with `example_xlsx()` if EXAMPLE_ROWS change).
EXAMPLE_FILE = Path(__file__).parent / "data" / "exemple-recensement-besoins.xlsx"


def example_xlsx() -> bytes:
    return _workbook(EXAMPLE_ROWS, with_hints=True)


def example_file() -> bytes:
    return EXAMPLE_FILE.read_bytes() if EXAMPLE_FILE.exists() else example_xlsx()


def plan_xlsx(campaign, slots) -> bytes:
    """Through the one export helper: a need's object or service starting with « = » stays text."""
    book = tabular.Workbook()
    sheet = book.add_sheet("Programmation")
    bold = book.add_format({"bold": True, "bg_color": "#E3E3FD"})
    title = book.add_format({"bold": True, "font_size": 14})
    money_bold = book.add_format({"num_format": tabular.EURO_FORMAT, "bold": True})
    sheet.write(0, 0, f"Programmation des achats {campaign.year} — {campaign.organisation.name}", title)
    sheet.write(1, 0, f"Édité le {timezone.localdate():%d/%m/%Y} à partir du recensement « {campaign.title} ».")
    headers = ["Trimestre", "Date souhaitée", "Service", "Objet", "Code CPV", "Site", "Montant estimé (€ HT)",
               "Récurrence", "Renouvellement", "Fiche visa obligatoire"]  # fmt: skip
    for col, header in enumerate(headers):
        sheet.write(3, col, header, bold)
    widths = [18, 14, 22, 40, 12, 24, 18, 16, 14, 18]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    r = 4
    for slot in slots:
        for need in slot["needs"]:
            sheet.write(r, 0, slot["label"])
            sheet.write(r, 1, need.date_souhaitee)
            sheet.write(r, 2, need.service.name)
            sheet.write(r, 3, need.objet)
            sheet.write(r, 4, need.code_cpv)
            sheet.write(r, 5, need.site)
            sheet.write(r, 6, need.montant_estime, kind="amount")
            sheet.write(r, 7, need.get_recurrence_display())
            sheet.write(r, 8, "oui" if need.renouvellement else "non")
            sheet.write(r, 9, "oui" if need.is_big_purchase else "non")
            r += 1
        sheet.write(r, 0, f"Total {slot['label']}", bold)
        sheet.write(r, 6, slot["total"], money_bold)
        r += 2
    return book.close()


def plan_pdf(campaign, slots, *, request=None) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    html = render_to_string(
        "recensement/plan_pdf.html",
        {"campaign": campaign, "slots": slots, "generated_at": timezone.now()},
        request=request,
    )
    return HTML(string=html, base_url=request.build_absolute_uri("/") if request else None).write_pdf()
