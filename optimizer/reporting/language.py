"""How the reports and charts write for their readers: numbers, money and sector names per language.

Swedish pages write numbers the Swedish way (`1 234 567,8`: a no-break space between thousands, a
decimal comma, a true minus sign), English pages the English way (`1,234,567.8`). Sector codes of the
project list (`transport`, `buildings`, ...) are shown by name; a sector the list names in its own
words is shown as written.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "MINUS", "NBSP", "format_number", "sector_name"]

LANGUAGES: tuple[str, ...] = ("sv", "en")
NBSP = "\u00a0"
MINUS = "\u2212"

SECTORS: dict[str, dict[str, str]] = {
    "sv": {
        "transport": "Transporter",
        "energy": "Energi",
        "buildings": "Byggnader",
        "waste": "Avfall",
        "agriculture": "Jordbruk",
        "consumption": "Konsumtion",
        "industry": "Industri",
        "land_use": "Markanvändning",
        "water": "Vatten",
    },
    "en": {
        "transport": "Transport",
        "energy": "Energy",
        "buildings": "Buildings",
        "waste": "Waste",
        "agriculture": "Agriculture",
        "consumption": "Consumption",
        "industry": "Industry",
        "land_use": "Land use",
        "water": "Water",
    },
}


def check_language(lang: str) -> None:
    """ValueError for a language the reports are not written in."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")


def format_number(value: float, *, lang: str = "sv", decimals: int = 0) -> str:
    """`value` as a reader of `lang` writes it: Swedish `1 234 567,8` (a no-break space between
    thousands, a decimal comma, the minus sign −), English `1,234,567.8`; -0 shows as 0."""
    check_language(lang)
    text = f"{round(float(value), decimals) + 0.0:,.{decimals}f}"
    if lang == "sv":
        return text.replace(",", NBSP).replace(".", ",").replace("-", MINUS)
    return text


def sector_name(code: object, *, lang: str = "sv") -> str:
    """The name of a sector code in `lang` (`transport` → `Transporter`); other sectors as written."""
    check_language(lang)
    text = "" if code is None else str(code)
    return SECTORS[lang].get(text.strip().lower(), text)
