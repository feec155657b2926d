"""The readers' messages (English, as the CLI and the API give them) in the page's language.

A message the readers write is matched against these patterns and said again in the words of the
catalogue; one without a pattern is shown as written (in English), never dropped. A scenario file's
messages (pydantic's and the scenario's own checks) keep the place in the file as written.
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


SCENARIO_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"Field required", N_("is missing")),
        (r"Extra inputs are not permitted", N_("is not a part of a scenario: check the spelling")),
        (r"a rule needs at least one of min_share, max_share, min, max",
         N_("a rule needs at least one of min_share, max_share, min and max")),
        (r"(?P<bound>min|min_share) (?P<low>\S+) is above (?P<upper>max|max_share) (?P<high>\S+)",
         N_("%(bound)s %(low)s is above %(upper)s %(high)s")),
        (r"(?P<what>\w+) per year needs at least one year", N_("%(what)s per year needs at least one year")),
        (r'(?P<what>\w+) years must be years such as "(?P<example>\d+)", not (?P<given>.+)',
         N_('the years of %(what)s must be years such as "%(example)s", not %(given)s')),
        (r"a target needs exactly one of net_zero_year, reduction_rate or target_t",
         N_("a target needs exactly one of net_zero_year, reduction_rate and target_t")),
        (r"projects both included and excluded: (?P<ids>.+)",
         N_("measures that must be funded and also must not be: %(ids)s")),
        (r"rule names must be unique: (?P<names>.+)", N_("two rules have the same name: %(names)s")),
        (r"funding pool names must be unique: (?P<names>.+)", N_("two funding pools have the same name: %(names)s")),
        (r"co_benefit_weights weight tonnes in a reduction objective; (?P<objective>\w+) has none",
         N_("co_benefit_weights count tonnes, and the objective %(objective)s counts none")),
        (r'budget_basis "net" needs a budget per year: .*',
         N_('budget_basis "net" needs a budget per year: running costs and savings fall in years')),
        (r"an interaction lists a project more than once: (?P<ids>.+)",
         N_("an overlap names a measure more than once: %(ids)s")),
        (r"(?P<field>\w+) (?P<year>\d+) must be after the baseline's first year (?P<first>\d+)",
         N_("%(field)s %(year)s must be after the baseline's first year %(first)s")),
        (r"(?P<field>[\w ]+?) (?P<year>\d+) is before the baseline's first year (?P<first>\d+)",
         N_("%(field)s %(year)s is before the baseline's first year %(first)s")),
        (r"to_year (?P<year>\d+) is before the target year (?P<target>\d+)",
         N_("to_year %(year)s is before the target's year %(target)s")),
        (r"from_year (?P<year>\d+) is after to_year (?P<last>\d+)", N_("from_year %(year)s is after to_year %(last)s")),
    )
)
"""What pydantic and the scenario's own checks write after a field's place in a scenario file."""

SHOULD_BE = "Input should be "
ALTERNATIVES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"greater than or equal to (?P<value>-?[\d.e+]+)", N_("at least %(value)s")),
        (r"greater than (?P<value>-?[\d.e+]+)", N_("more than %(value)s")),
        (r"less than or equal to (?P<value>-?[\d.e+]+)", N_("at most %(value)s")),
        (r"less than (?P<value>-?[\d.e+]+)", N_("less than %(value)s")),
        (r"a valid number, unable to parse string as a number", N_("a number")),
        (r"a valid number", N_("a number")),
        (r"a finite number", N_("a finite number")),
        (r"a valid integer(, got a number with a fractional part|, unable to parse string as an integer)?",
         N_("a whole number")),
        (r"a valid dictionary", N_("a table (for example an amount per year)")),
        (r"a valid list", N_('a list (for example ["A1", "A2"])')),
        (r"a valid string", N_("text")),
        (r"a valid boolean", N_("true or false")),
        (r"'(?P<value>[^']*)'", "'%(value)s'"),
    )
)
"""The kinds of value pydantic's "Input should be A, B or C" lists; each said in the page's language."""
_SEPARATOR = re.compile(r", | or ")
_LOCATED = re.compile(r"(?P<where>[A-Za-z_][\w.\[\]]*): (?P<detail>.+)")


def said(message: str, words: Words) -> str:
    """`message` in the page's language where a pattern knows it, else as written.

    A scenario's message is `place: what is wrong`; the place (`constraints[0].min_share`) is the
    file's own and stays as written, what is wrong is said in the page's language."""
    if words.lang == "en":
        return message
    known = _known(message, PATTERNS, words)
    if known is not None:
        return known
    located = _LOCATED.fullmatch(message)
    if located is not None:
        detail = _detail(located["detail"], words)
        if detail is not None:
            return f"{located['where']}: {detail}"
    return _detail(message, words) or message


def _known(message: str, patterns: tuple[tuple[re.Pattern[str], str], ...], words: Words) -> str | None:
    for pattern, template in patterns:
        found = pattern.fullmatch(message)
        if found:
            return words(template, **found.groupdict())
    return None


def _detail(text: str, words: Words) -> str | None:
    """What is wrong at one place of a scenario, said again; None when a part of it is not known."""
    parts = [_known(part, SCENARIO_PATTERNS, words) or _should_be(part, words) for part in text.split("; ")]
    return None if None in parts else "; ".join(str(p) for p in parts)


def _should_be(text: str, words: Words) -> str | None:
    """pydantic's "Input should be A, B or C", with every alternative said in the page's language."""
    if not text.startswith(SHOULD_BE):
        return None
    said_again, position = [], len(SHOULD_BE)
    while position < len(text):
        for pattern, template in ALTERNATIVES:
            found = pattern.match(text, position)
            if found:
                said_again.append(words(template, **found.groupdict()) if found.groupdict() else words(template))
                position = found.end()
                break
        else:
            return None
        separator = _SEPARATOR.match(text, position)
        if separator is not None:
            position = separator.end()
        elif position < len(text):
            return None
    alternatives = said_again[0] if len(said_again) == 1 else words(
        "%(some)s or %(last)s", some=", ".join(said_again[:-1]), last=said_again[-1]
    )
    return words("should be %(alternatives)s", alternatives=alternatives)
