"""The web app's words in Swedish (the default) and English, and numbers and dates in each one's way.

The text in the code and the templates is English; `locale/sv/LC_MESSAGES/messages.po` holds its
Swedish (a test fails when a message has none). The catalogue is compiled when it is first needed,
so no build step is needed and nothing binary is kept in the repository.
"""

from __future__ import annotations

import functools
import gettext
from datetime import datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
LOCALES = {"sv": "sv_SE", "en": "en_GB"}
CATALOGUES = Path(__file__).resolve().parent / "locale"
TIME_ZONE = ZoneInfo("Europe/Stockholm")
"""Times are stored in UTC and shown in Swedish time, in either language."""


def N_(message: str) -> str:
    """Marks `message` for the catalogue where it is defined; it is translated where it is shown."""
    return message


def language(value: str | None) -> str:
    """`value` if it is a language of the app, else the default (Swedish)."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The gettext catalogue of `lang` (English: the messages themselves)."""
    if lang == "en":
        return gettext.NullTranslations()
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source, locale=LOCALES[lang])
    compiled = BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


class Words:
    """The words, numbers and dates of one page in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = language(lang)
        self.locale = LOCALES[self.lang]
        self._translations = translations(self.lang)

    def __call__(self, message: str, **values: object) -> str:
        text = self._translations.gettext(message)
        return text % values if values else text

    def number(self, value: float, decimals: int = 0) -> str:
        """Grouped in threes: `1 250 000,5` in Swedish (with no-break spaces), `1,250,000.5` in English."""
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, share: float, decimals: int = 1) -> str:
        """A share as a percentage: `12,5 %` in Swedish, `12.5%` in English."""
        number = self.number(share * 100, decimals)
        return f"{number}\u00a0%" if self.lang == "sv" else f"{number}%"

    def sek(self, value: float) -> str:
        """`1 250 000 kr` in Swedish, `SEK 1,250,000` in English."""
        amount = self.number(round(value))
        return f"{amount}\u00a0kr" if self.lang == "sv" else f"SEK\u00a0{amount}"

    def moment(self, value: datetime) -> str:
        """A stored (UTC) time in Swedish time: `3 dec. 2026 14:05`."""
        aware = value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo("UTC"))
        return format_datetime(aware, "d MMM y HH:mm", tzinfo=TIME_ZONE, locale=self.locale)
