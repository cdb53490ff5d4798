"""Tolerant reading of the values people type in a census spreadsheet: amounts ("12 000 €", "12 k€",
"1,5 M€"), dates (real dates, "15/03/2027", "2027-03-15", "mars 2027", "T2 2027"), yes/no, recurrence and CPV
codes. Each parser returns the value or raises ValueError with a French explanation (without row/column:
the caller adds them)."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from pilote.core.text import fold_words as fold
from pilote.fiches.cpv import cpv_label
from pilote.recensement.models import Recurrence


MONTHS = {
    "janvier": 1,
    "janv": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
YES = {"oui", "o", "x", "vrai", "true", "1", "yes", "y"}
NO = {"non", "n", "faux", "false", "0", "no", ""}
RECURRENCES = {
    Recurrence.PONCTUEL: {"ponctuel", "ponctuelle", "unique", "une fois", "non", "non recurrent"},
    Recurrence.ANNUEL: {"annuel", "annuelle", "recurrent", "recurrente", "chaque annee", "tous les ans", "oui"},
    Recurrence.PLURIANNUEL: {"pluriannuel", "pluriannuelle", "pluri annuel", "plusieurs annees"},
}


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_amount(value) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("montant illisible")
    if isinstance(value, int | float):
        amount = Decimal(str(value))
    else:
        raw = str(value).strip().lower()
        text = re.sub(r"[\s\u00a0\u202f']", "", raw)
        text = re.sub(r"(€|eur(os?)?|h\.?t\.?|ttc)", "", text)
        factor = Decimal(1)
        if text.endswith(("k", "ke")):
            factor, text = Decimal(1000), text.rstrip("e")[:-1]
        elif text.endswith(("m", "me", "meur")):
            factor, text = Decimal(1_000_000), re.sub(r"m(e|eur)?$", "", text)
        if factor == 1 and re.fullmatch(r"\d{1,3}[.,]\d{3}", text):
            # "12.000" or "12,000": a thousands separator (nobody writes amounts to the tenth of a cent).
            text = text.replace(".", "").replace(",", "")
        elif "," in text and "." in text:
            # The last separator is the decimal one: 1.234,56 or 1,234.56.
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        elif "," in text:
            text = text.replace(",", ".") if text.count(",") == 1 else text.replace(",", "")
        elif text.count(".") > 1:
            text = text.replace(".", "")
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise ValueError(
                f"montant illisible « {str(value).strip()} » (exemples acceptés : 12000, 12 000 €, 12 k€)"
            )
        amount = Decimal(text) * factor
    try:
        amount = amount.quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise ValueError("montant trop grand") from error
    if amount <= 0:
        raise ValueError("le montant doit être supérieur à 0 € HT")
    if amount >= Decimal("1e12"):
        raise ValueError("montant trop grand (plus de mille milliards d'euros)")
    return amount


def _date(year, month, day) -> dt.date:
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise ValueError(f"date impossible ({day:02d}/{month:02d}/{year})") from error


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A date cell that lost its date format is read as the spreadsheet's day number (1 = 1900-01-01).
        if 36526 <= value <= 73415:  # 2000-01-01 .. 2100-12-31
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
        raise ValueError(f"date illisible « {value} » (format attendu : JJ/MM/AAAA)")
    raw = str(value).strip()
    text = fold(raw)
    if m := re.fullmatch(r"(\d{1,2}) (\d{1,2}) (\d{2}|\d{4})(?: 00 00( 00)?)?", text):
        return _date(int(m[3]), int(m[2]), int(m[1]))
    if m := re.fullmatch(r"(\d{4}) (\d{1,2}) (\d{1,2})(?: 00 00( 00)?)?", text):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{1,2}) (\d{4})", text):
        return _date(int(m[2]), int(m[1]), 1)
    if (m := re.fullmatch(r"(?:(\d{1,2}) )?(?:er )?([a-z]+) (\d{4})", text)) and m[2] in MONTHS:
        return _date(int(m[3]), MONTHS[m[2]], int(m[1] or 1))
    if m := re.fullmatch(r"(?:t|trimestre )([1-4]) (\d{4})|([1-4]) ?(?:er|e|eme) trimestre (\d{4})", text):
        quarter, year = (m[1], m[2]) if m[1] else (m[3], m[4])
        return _date(int(year), 3 * (int(quarter) - 1) + 1, 1)
    raise ValueError(f"date illisible « {raw} » (formats acceptés : 15/03/2027, 2027-03-15, mars 2027, T2 2027)")


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = fold(value)
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"valeur « {value} » non comprise (attendu : oui ou non)")


def parse_recurrence(value) -> str:
    text = fold(value)
    if not text:
        return Recurrence.PONCTUEL
    for code, words in RECURRENCES.items():
        if text in words:
            return code
    raise ValueError(f"récurrence « {value} » non comprise (attendu : ponctuel, annuel ou pluriannuel)")


def parse_cpv(value) -> str:
    """8-digit CPV code (check digit dropped) that exists in the CPV 2008 nomenclature."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = str(value).strip()
    code = raw.split("-")[0].replace(" ", "").replace(".", "")
    if isinstance(value, int) and len(code) == 7:
        code = "0" + code  # a spreadsheet read "03000000" as a number and lost the leading zero
    if not re.fullmatch(r"\d{8}", code):
        raise ValueError(f"code CPV « {raw} » mal formé (8 chiffres attendus, par exemple 55523100)")
    if cpv_label(code) is None:
        raise ValueError(f"code CPV « {raw} » absent de la nomenclature CPV 2008")
    return code


def text_value(value, max_length: int) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.date):
        value = value.strftime("%d/%m/%Y")
    text = re.sub(r"\s+", " ", str(value if value is not None else "")).strip()
    if len(text) > max_length:
        raise ValueError(f"texte trop long ({len(text)} caractères, {max_length} au plus)")
    return text
