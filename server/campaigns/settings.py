"""A campaign's settings as plain data, checked: the phase dates (Vietnam time, in order), the
data cut-off dates, the survey, the tie rule and the bands where they override the criteria set's.

Each `clean_*` function takes what an administrator typed (API body, form, command line) and
returns the stored value with {field: message} for everything wrong, so the callers can refuse
a whole change naming each field.
"""

from datetime import UTC, date, datetime, time

from flask_babel import lazy_gettext as _l

from server.config import LOCAL_TIME
from server.engine.decimals import NotANumber, parse_decimal, plain

# The phase dates in the order they must follow, each with its label.
PHASES = {
    "records_open": _l("Records open"),
    "self_assessment_opens": _l("Self-assessment opens"),
    "self_assessment_deadline": _l("Self-assessment deadline"),
    "explanation_deadline": _l("Explanation deadline"),
    "appraisal_deadline": _l("Appraisal deadline"),
    "closes_at": _l("Campaign closes"),
}
# Every date a campaign holds: the phases, and the publication date, outside their order.
DATES = {**PHASES, "publication_date": _l("Publication date")}
# The dates that open something: a plain date is the start of that day (the others, its end).
OPENINGS = ("records_open", "self_assessment_opens")

TIE_COMPARE = {"unrounded": _l("Compare unrounded indices"),
               "rounded": _l("Compare indices rounded to 2 decimals")}
TIE_RANKS = {"shared": _l("Equal indices share a rank (1, 1, 3)"),
             "distinct": _l("Equal indices get distinct ranks, by unit code")}


def parse_day(text: str) -> date:
    """A date as people write it (dd/mm/yyyy) or as machines do (yyyy-mm-dd)."""
    text = text.strip()
    if "/" in text:
        return datetime.strptime(text, "%d/%m/%Y").date()
    return date.fromisoformat(text)


def parse_deadline(text: str, *, opening: bool = False) -> datetime:
    """A date, dd/mm/yyyy or ISO (the end of that day in Vietnam; its start for an `opening`),
    or a date and time, "dd/mm/yyyy HH:MM" or ISO (Vietnam time unless zoned)."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = parse_day(text)
            return (datetime.combine(day, time(0, 0), LOCAL_TIME) if opening
                    else end_of_day(day))
        moment = (datetime.strptime(text, "%d/%m/%Y %H:%M") if "/" in text
                  else datetime.fromisoformat(text))
    except ValueError as error:
        raise ValueError(str(_l("%(value)s is not a date (dd/mm/yyyy) or a date and time",
                                value=repr(text)))) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TIME)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), LOCAL_TIME)


def local_text(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TIME).strftime("%d/%m/%Y %H:%M")


def clean_dates(given: dict) -> tuple[dict, dict]:
    """{name: UTC instant or None (cleared)} from {name: text}, and the problems."""
    values, problems = {}, {}
    for name, value in given.items():
        key = f"deadlines.{name}"
        if name not in DATES:
            problems[key] = _l("is not one of %(choices)s", choices=", ".join(DATES))
        elif value is None or not str(value).strip():
            values[name] = None
        else:
            try:
                # Stored as UTC instants; shown again in Vietnam time.
                values[name] = parse_deadline(str(value),
                                              opening=name in OPENINGS).astimezone(UTC)
            except ValueError as error:
                problems[key] = str(error)
    return values, problems


def order_problems(dates: dict) -> dict:
    """Each phase date set before an earlier phase's, named with the phase it must follow."""
    problems, last = {}, None
    for name in PHASES:
        moment = dates.get(name)
        if moment is None:
            continue
        if last is not None and moment < dates[last]:
            problems[f"deadlines.{name}"] = _l(
                "must not be before %(phase)s (%(when)s, Vietnam time)",
                phase=str(PHASES[last]).lower(), when=local_text(dates[last]))
        else:
            last = name
    return problems


def clean_cutoffs(given) -> tuple[list, dict]:
    """[{"label", "date": "YYYY-MM-DD"}] in date order, and the problems."""
    if not isinstance(given, list):
        return [], {"data_cutoffs": _l("must be a list of {label, date}")}
    rows, problems = [], {}
    for n, item in enumerate(given):
        item = item if isinstance(item, dict) else {}
        label = str(item.get("label") or "").strip()
        text = str(item.get("date") or "").strip()
        if not label:
            problems[f"data_cutoffs.{n}.label"] = _l("must not be empty")
        try:
            day = parse_day(text)
        except ValueError:
            problems[f"data_cutoffs.{n}.date"] = _l("%(value)s is not a date (dd/mm/yyyy)",
                                                    value=repr(text))
            continue
        rows.append({"label": label, "date": day.isoformat()})
    return sorted(rows, key=lambda row: row["date"]), problems


def clean_tie_rule(given) -> tuple[tuple[str | None, str | None], dict]:
    """(compare, ranks), both None to follow the criteria set's, and the problems."""
    if given is None:
        return (None, None), {}
    if not isinstance(given, dict):
        return (None, None), {"tie_rule": _l(
            "Give both how indices are compared and how ranks are shared, or neither to "
            "follow the criteria set.")}
    problems = {}
    compare, ranks = given.get("compare") or None, given.get("ranks") or None
    if compare is None and ranks is None:
        return (None, None), {}
    if compare is None:
        problems["tie_rule.compare"] = _l("Choose how indices are compared too, or neither.")
    elif not isinstance(compare, str) or compare not in TIE_COMPARE:
        problems["tie_rule.compare"] = _l("Indices are compared unrounded or rounded.")
    if ranks is None:
        problems["tie_rule.ranks"] = _l("Choose how equal indices are ranked too, or neither.")
    elif not isinstance(ranks, str) or ranks not in TIE_RANKS:
        problems["tie_rule.ranks"] = _l("Equal indices share a rank or get distinct ranks.")
    return (compare, ranks), problems


def clean_bands(given) -> tuple[list | None, dict]:
    """[{"key", "label", "min", and optionally "min_components"}] highest first (None or
    empty: the criteria set's bands), and the problems: keys distinct, labels given, each
    minimum a number from 0 to 100 and below the one above. `min_components` holds further
    minimums of sub-indices ({"self" | "survey" | a domain code | a named component's key:
    number from 0 to 100}), given as an object or as the text "sipas=50; 1=40"; which keys
    the pinned sets know is checked with the pins (`unknown_band_components`)."""
    if not given:
        return None, {}
    if not isinstance(given, list):
        return None, {"bands": _l("must be a list of {key, label, min}")}
    rows, problems, keys, above = [], {}, set(), None
    for n, item in enumerate(given):
        item = item if isinstance(item, dict) else {}
        key = str(item.get("key") or "").strip()
        label = str(item.get("label") or "").strip()
        if not key:
            problems[f"bands.{n}.key"] = _l("must not be empty")
        elif key in keys:
            problems[f"bands.{n}.key"] = _l("%(value)s is used by another band",
                                            value=repr(key))
        keys.add(key)
        if not label:
            problems[f"bands.{n}.label"] = _l("must not be empty")
        try:
            minimum = parse_decimal(item.get("min"))
        except NotANumber:
            problems[f"bands.{n}.min"] = _l("must be a number from 0 to 100")
            continue
        if not 0 <= minimum <= 100:
            problems[f"bands.{n}.min"] = _l("must be a number from 0 to 100")
        elif above is not None and minimum >= above:
            problems[f"bands.{n}.min"] = _l(
                "must be below the minimum of the band above (%(above)s): list the bands "
                "highest first", above=plain(above))
        above = minimum
        row = {"key": key, "label": label, "min": plain(minimum)}
        components, found = _clean_min_components(item.get("min_components"),
                                                  f"bands.{n}.min_components")
        problems.update(found)
        if components:
            row["min_components"] = components
        rows.append(row)
    return rows, problems


def _clean_min_components(given, field: str) -> tuple[dict, dict]:
    if given in (None, "", {}):
        return {}, {}
    if isinstance(given, str):  # the form's text: "sipas=50; 1=40"
        pairs = [part.partition("=") for part in given.split(";") if part.strip()]
        if any(not sep for _key, sep, _value in pairs):
            return {}, {field: _l("write each minimum as component=number, separated by ;")}
        given = {key.strip(): value.strip() for key, _sep, value in pairs}
    if not isinstance(given, dict):
        return {}, {field: _l("must map components to minimum sub-indices")}
    found, problems = {}, {}
    for key, value in given.items():
        key = str(key).strip()
        try:
            minimum = parse_decimal(value)
        except NotANumber:
            minimum = None
        if not key or minimum is None or not 0 <= minimum <= 100:
            problems[f"{field}.{key}"] = _l("must be a number from 0 to 100")
            continue
        found[key] = plain(minimum)
    return found, problems


def unknown_band_components(bands: list | None, criteria_sets) -> dict:
    """A problem for each band minimum that names a component none of `criteria_sets` (the
    campaign's pinned sets) has: a misspelt key would otherwise hold no unit back."""
    known = {"self", "survey"}
    for criteria_set in criteria_sets:
        known |= {domain.code for domain in criteria_set.domains}
        known |= {component.key for component in criteria_set.components}
    return {f"bands.{n}.min_components.{key}": _l(
        "no pinned criteria set has a component %(key)s (known: %(known)s)", key=key,
        known=", ".join(sorted(known)))
        for n, band in enumerate(bands or []) for key in band.get("min_components", {})
        if key not in known}
