"""The readers' messages (English, as the CLI and the API give them) in the page's language.

A message the readers write is matched against these patterns and said again in the words of the
catalogue; one without a pattern is shown as written (in English), never dropped.
"""

from __future__ import annotations

import re

from api.web.i18n import N_, Words

PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"'(?P<value>.*)' is not a number", N_("'%(value)s' is not a number")),
        (r"'(?P<value>.*)' is not a finite number", N_("'%(value)s' is not a finite number")),
        (r"'(?P<value>.*)' is not a yes/no value .*", N_("'%(value)s' is not yes or no (write ja/nej, yes/no, sant/falskt, 1/0 or x; empty means no)")),
        (r"'(?P<value>.*)' is not a list of project ids .*", N_("'%(value)s' is not a list of ids (separate them with ; or ,)")),
        (r"a value is required", N_("a value is needed")),
        (r"this required column is missing.*", N_("this column is needed and missing: map one of the file's columns to it")),
        (r"must be (?P<value>[0-9 ,.\-]+) or more, not (?P<given>.*)", N_("must be %(value)s or more, not %(given)s")),
        (r"must be more than (?P<value>[0-9 ,.\-]+), not (?P<given>.*)", N_("must be more than %(value)s, not %(given)s")),
        (r"must be a whole year from (?P<low>\d+) to (?P<high>\d+), not (?P<given>.*)", N_("must be a whole year from %(low)s to %(high)s, not %(given)s")),
        (r"'(?P<value>.*)' is used again \(first at row (?P<row>\d+)\)", N_("'%(value)s' is used again (first in row %(row)s)")),
        (r"unknown project id '(?P<value>.*)'", N_("there is no measure with the id '%(value)s'")),
        (r"a project cannot require itself", N_("a measure cannot require itself")),
        (r"requires form a cycle: (?P<value>.*)", N_("the requirements go round in a circle: %(value)s")),
        (r"appears more than once in the header: (?P<value>.*)", N_("the file has more than one column with this name: %(value)s")),
        (r"more than one column of the file is mapped to it: (?P<value>.*)", N_("more than one of the file's columns is mapped to it: %(value)s")),
        (r"has (?P<cells>\d+) cells but the header names only (?P<width>\d+) columns", N_("has %(cells)s cells but the first row names only %(width)s columns")),
        (r"column (?P<value>\d+) has values but no name in the header", N_("column %(value)s has values but no name in the first row")),
        (r"the project list is empty", N_("the list has no measures")),
        (r"(?P<grant>.+) is more than the project's total cost (?P<cost>.+)", N_("%(grant)s is more than the measure's total cost %(cost)s")),
        (r"(?P<year>\d{4}) is outside the budget years (?P<years>.+)", N_("%(year)s is outside the budget years %(years)s: give that year a budget too, or one budget for all years")),
        (r"scenario (?P<field>include|exclude): unknown project id '(?P<value>.*)'", N_("the scenario's %(field)s: there is no measure with the id '%(value)s'")),
        (r"scenario (?P<rule>.+): unknown column '(?P<column>[^']*)' \(columns: (?P<columns>.*)\)", N_("the rule %(rule)s: the list has no column '%(column)s' (its columns: %(columns)s)")),
    )
)


def said(message: str, words: Words) -> str:
    """`message` in the page's language where a pattern knows it, else as written."""
    if words.lang == "en":
        return message
    for pattern, template in PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            return words(template, **found.groupdict())
    return message
