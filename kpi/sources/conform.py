"""Text tables in, canonical tables out: column matching, cell parsing, ids, duplicates and validation.

Every source that receives text (CSV files, Bulk API results) passes through `conform`, so a bad cell is
reported the same way whatever brought it: file, spreadsheet row, column, and the row is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import available_timezones

import numpy as np
import pandas as pd
import pandera.pandas as pa

from kpi.ids import to_18
from kpi.schema import DATE_DTYPE, DATETIME_DTYPE, Kind, Problem, Table

_LISTED_PER_COLUMN = 20  # bad cells reported one by one per column; the rest are counted
_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "f"})
_ZONES = frozenset(available_timezones())


class UnusableFile(ValueError):
    """A file cannot give its table at all (it lacks needed columns, names one twice, is empty)."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _datetimes(text: pd.Series, zone: str, day_first: bool | None = None) -> pd.Series:
    """Instants from ISO 8601 (`2026-11-24T14:03:11.000Z`, `...+0000`, `2023-02-07 20:47:49`) or other spellings
    Salesforce tools write (`02/23/26 08:55 PM`; day or month first as `day_first` says, None: inferred per
    column). A value with no offset is wall time in `zone`."""
    parsed = pd.Series(pd.NaT, index=text.index, dtype=DATETIME_DTYPE)
    has_offset = text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True).fillna(False)
    for rows, kwargs in ((has_offset, {"utc": True}), (~has_offset & text.notna(), {})):
        if not rows.any():
            continue
        values = pd.to_datetime(text[rows], format="ISO8601", errors="coerce", **kwargs)
        retry = values.isna()
        if retry.any():
            values = values.astype(object)
            values[retry] = pd.to_datetime(text[rows][retry], format="mixed", errors="coerce",
                                           dayfirst=_day_first(text[rows][retry], day_first), **kwargs)
            values = pd.to_datetime(values, utc=bool(kwargs))
        if not kwargs:  # wall time; in the repeated hour when clocks go back, the first (daylight) reading
            values = values.dt.tz_localize(zone, ambiguous=np.ones(len(values), bool), nonexistent="shift_forward")
        parsed[rows] = values.dt.tz_convert("UTC")
    return parsed


def _dates(text: pd.Series, day_first: bool | None = None) -> pd.Series:
    """Calendar dates; a date-time cell gives its date as written."""
    parsed = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    retry = parsed.isna() & text.notna()
    if retry.any():
        parsed[retry] = pd.to_datetime(text[retry], format="mixed", errors="coerce",
                                       dayfirst=_day_first(text[retry], day_first)).dt.normalize()
    return parsed.astype(DATE_DTYPE)


def _day_first(text: pd.Series, setting: bool | None = None) -> bool:
    """Whether numeric dates are day-first: the setting when given; else decided once for the given dates
    (a file's), from any value that reads only one way (a first number over 12, or dots, which only day-first
    locales such as de_DE write); otherwise month-first, Salesforce's en_US default."""
    if setting is not None:
        return setting
    # Only numeric dates can decide (ISO dates are most of a Data Loader file): a fast match picks them out
    # before the slower extraction of their parts.
    text = text.loc[text.str.match(r"^\d{1,2}[/.-]\d{1,2}[/.-]").fillna(False).to_numpy(bool)]
    parts = text.str.extract(r"^(\d{1,2})([/.-])(\d{1,2})[/.-]")
    first, second = parts[0].astype(float), parts[2].astype(float)
    return bool(((first > 12).any() or (parts[1] == ".").any()) and not (second > 12).any())


def _bools(text: pd.Series) -> pd.Series:
    """true/false, TRUE/FALSE, 1/0, yes/no; empty stays NA (the column's default applies)."""
    lowered = text.str.strip().str.lower()
    return lowered.isin(_TRUE).where(lowered.isin(_TRUE | _FALSE))


_EN_NUMBER = r"[-+]?(\d{1,3}(,\d{3})+|\d*)(\.\d*)?([eE][-+]?\d+)?"  # 1,500.50
_EU_NUMBER = r"[-+]?(\d{1,3}(\.\d{3})+|\d*)(,\d*)?"  # 1.500,50
_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "R$": "BRL", "A$": "AUD",
            "C$": "CAD", "kr": "SEK", "Fr.": "CHF"}
_MONEY = (r"^(?P<before>[A-Z]{3}|[^\d\s.,+-]{1,3})?\s*(?P<number>[-+]?[\d.,]*\d[\d.,]*(?:[eE][-+]?\d+)?)\s*"
          r"(?P<after>[A-Z]{3}|[^\d\s.,]{1,3})?$")


def _numbers(text: pd.Series) -> pd.Series:
    """Plain numbers, with commas only as thousands separators ('1,500.50'); anything else ('1.500,50',
    '$1,500') is not read rather than misread."""
    plain = text.str.strip().where(text.str.fullmatch(r"\s*" + _EN_NUMBER + r"\s*"))
    return pd.to_numeric(plain.str.replace(",", "", regex=False), errors="coerce").astype(float)


def _decimal_comma(numbers: pd.Series) -> bool:
    """Whether a column writes decimals with a comma ('1.234,00'): decided once for the column from any value
    that reads only one way; otherwise the point, as Salesforce's en_US default."""
    # '1,5', '1.234,00' and '1.234.567' (two dots can only group thousands) read one way only.
    comma = numbers.str.contains(r"(?:,\d{1,2}$)|(?:\.\d{3}.*,)|(?:^[-+]?\d{1,3}(?:\.\d{3}){2,}$)",
                                 regex=True).fillna(False).any()
    point = numbers.str.contains(r"(?:\.\d{1,2}$)|(?:,\d{3}.*\.)", regex=True).fillna(False).any()
    return bool(comma and not point)


def money(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Amounts and their currency codes from cells like '1234.5', 'USD 1,234.00', '$1,234.00' or '1.234,00 €'
    (spaces, no-break spaces and apostrophes as thousands separators are allowed; a sign may precede the
    symbol, '-$5', as spreadsheets write it). A cell that does not read as exactly one amount is NA, never a
    guess. A column of plain numbers (any Data Loader file) takes a fast path."""
    plain = text.str.fullmatch(r"[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?")
    if (plain | text.isna()).all():
        return pd.to_numeric(text).astype(float), pd.Series(np.nan, index=text.index, dtype="str")
    cells = text.str.replace(r"(?<=\d)[\s\u00a0\u202f'](?=\d)", "", regex=True).str.strip()
    cells = cells.str.replace(r"^([-+])\s*([A-Z]{3}|[^\d\s.,+-]{1,3})\s*(?=\d)", r"\2\1", regex=True)  # '-$5'
    parts = cells.str.extract(_MONEY)
    marks = parts["before"].fillna(parts["after"])
    codes = marks.map(lambda mark: _SYMBOLS.get(mark, mark if mark.isalpha() and mark.isupper() else None),
                      na_action="ignore")
    both = parts["before"].notna() & parts["after"].notna()
    number = parts["number"].where(~both & (marks.isna() | codes.notna()))
    if _decimal_comma(number.dropna()):
        plain = number.where(number.str.fullmatch(_EU_NUMBER)).str.replace(".", "", regex=False)
        plain = plain.str.replace(",", ".", regex=False)
    else:
        plain = number.where(number.str.fullmatch(_EN_NUMBER)).str.replace(",", "", regex=False)
    values = pd.to_numeric(plain, errors="coerce").astype(float)
    return values, codes.where(values.notna()).astype("str")


def _time_zones(text: pd.Series) -> pd.Series:
    """IANA names; a users report's label '(GMT+01:00) Central European Standard Time (Europe/Berlin)' gives
    the name inside its last parentheses."""
    named = text.str.extract(r"\(([^()]+)\)\s*$", expand=False).fillna(text).str.strip()
    return named.where(named.isin(_ZONES))


_PARSERS: dict[Kind, tuple[Callable[..., object], str]] = {
    Kind.DATETIME: (_datetimes, "is not a date-time"),  # called with the export's time zone
    Kind.DATE: (_dates, "is not a date"),
    Kind.BOOL: (_bools, "is not true or false"),
    Kind.NUMBER: (_numbers, "is not a number"),
    Kind.MONEY: (money, "is not an amount"),
    Kind.TIME_ZONE: (_time_zones, "is not a time zone"),
}
_KEEPS_ROW = {Kind.TIME_ZONE}  # a bad cell of these kinds is reported and left empty; the row stays


def match_columns(text: pd.DataFrame, table: Table, file: str, aliases: dict[str, str] | None = None) -> pd.DataFrame:
    """The file's columns renamed to the table's by `aliases` (lowered name -> column; default: the API names,
    any case) and the table's columns it lacks added empty. When two file columns name one column (a label
    and its API name), the API name wins, else the first. Raises UnusableFile naming every required column
    the file lacks, or a column named twice."""
    aliases = aliases or {name.lower(): name for name in table.columns()}
    lowered = [str(c).strip().lower() for c in text.columns]
    twice = sorted({aliases[c] for c in pd.Index(lowered)[pd.Index(lowered).duplicated()] if c in aliases})
    if twice:
        raise UnusableFile(Problem(file, f"has the column{'s' if len(twice) > 1 else ''} {', '.join(twice)} "
                                         "more than once; cannot tell which to use"))
    chosen: dict[str, str] = {}
    for original, name in sorted(zip(text.columns, lowered), key=lambda pair: pair[1] != aliases.get(pair[1], "").lower()):
        if name in aliases and aliases[name] not in chosen.values():
            chosen[original] = aliases[name]
    absent = [c for c in table.required() if c not in chosen.values()]
    if absent:
        raise UnusableFile(Problem(file, f"lacks the column{'s' if len(absent) > 1 else ''} "
                                           f"{', '.join(absent)} needed for {table.name}"))
    matched = text[list(chosen)].set_axis(list(chosen.values()), axis=1)
    absent = {c: pd.Series(np.nan, index=text.index, dtype="str") for c in table.columns() if c not in matched}
    return matched.assign(**absent)[list(table.columns())]


def _cell_problems(cells: pd.Series, complaint: str, file: str, column: str) -> list[Problem]:
    """One problem per bad cell (index = row), up to a limit, then one that counts the rest."""
    listed = [Problem(file, f"'{value}' {complaint}", row, column)
              for row, value in cells.head(_LISTED_PER_COLUMN).items()]
    rest = len(cells) - len(listed)
    return listed + ([Problem(file, f"{rest:,} more rows like these skipped", None, column)] if rest > 0 else [])


def _parse(frame: pd.DataFrame, table: Table, file: str, zone: str,
           day_first: bool | None) -> tuple[pd.DataFrame, list[Problem], pd.Series]:
    """Cells parsed by their column's kind; returns the frame, one problem per bad cell and the bad-row mask."""
    problems: list[Problem] = []
    bad = pd.Series(False, index=frame.index)
    out = {}
    currencies = None
    if day_first is None:  # one order for the whole file, from any date in it that reads one way only
        dated = [frame[n] for n, c in table.columns().items() if c.metadata["kind"] in (Kind.DATE, Kind.DATETIME)]
        day_first = _day_first(pd.concat(dated).astype("str")) if dated else None
    for name, column in table.columns().items():  # one vectorised parse per column
        kind = column.metadata["kind"]
        text = frame[name].astype("str").str.strip().replace("", np.nan)
        if kind is Kind.ID:
            out[name] = to_18(text)
        elif kind is Kind.TEXT:
            out[name] = text
        else:
            parse, complaint = _PARSERS[kind]
            if kind is Kind.MONEY:
                out[name], currencies = money(text)
            else:
                dates = {Kind.DATETIME: (zone, day_first), Kind.DATE: (day_first,)}
                out[name] = parse(text, *dates.get(kind, ()))
            failed = out[name].isna() & text.notna()
            if kind in _KEEPS_ROW:
                problems += _cell_problems(text[failed], f"{complaint}; left empty", file, name)
            else:
                bad |= failed
                problems += _cell_problems(text[failed], f"{complaint}; row skipped", file, name)
            if kind is Kind.BOOL:
                out[name] = out[name].fillna(column.metadata["default"]).astype(bool)
    if currencies is not None and "CurrencyIsoCode" in out:  # 'EUR 1.234,00' says its currency
        out["CurrencyIsoCode"] = out["CurrencyIsoCode"].fillna(currencies)
    return pd.DataFrame(out, index=frame.index), problems, bad


def _drop_duplicate_ids(frame: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Rows sharing an Id: the last one wins, and the repeats are reported once."""
    if "Id" not in frame.columns:
        return frame, []
    repeated = frame["Id"].notna() & frame["Id"].duplicated(keep="last")
    if not repeated.any():
        return frame, []
    examples = ", ".join(f"{i} (row {r})" for r, i in frame.loc[repeated, "Id"].head(3).items())
    return frame.loc[~repeated], [Problem(file, f"{int(repeated.sum())} rows repeat an Id found again further "
                                               f"down; the last row of each Id is kept (e.g. {examples})")]


_CHECKS = {"str_length": "is not a Salesforce id (15 or 18 characters)", "not_nullable": "is empty",
           "str_matches": "is not a currency code (three capital letters, e.g. EUR)",
           "isin": "is not one of the allowed values", "greater_than_or_equal_to": "is below the minimum"}
_MATCHES = {"quarter": "is not a fiscal quarter's name (e.g. FY2026 Q4)"}  # str_matches of other columns: currency


def _validate(frame: pd.DataFrame, table: Table, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """pandera's checks (ids, uniqueness, allowed values, nulls); failing rows are reported and skipped."""
    try:
        return table.model.validate(frame, lazy=True), []
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases.dropna(subset=["index"])
        problems = []
        for (column, check), group in cases.groupby(["column", "check"]):  # one entry per failing check
            kind = str(check).split("(")[0]
            complaint = (_MATCHES.get(str(column)) if kind == "str_matches" else None) or _CHECKS.get(
                kind, f"fails the check {check}")
            values = pd.Series(group["failure_case"].fillna("").astype(str).to_numpy(), index=group["index"].astype(int))
            problems += _cell_problems(values, f"{complaint}; row skipped", file, str(column))
        kept = frame.drop(index=cases["index"].astype(int).unique())
        return table.model.validate(kept, lazy=True), problems


def conform(text: pd.DataFrame, table: Table, file: str, export_zone: str = "UTC",
            day_first: bool | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """A canonical table from a text frame whose index is the spreadsheet row number.

    Date-times written without an offset are read as wall time in `export_zone` (report exports are written in
    the exporting user's zone); `day_first` fixes the day/month order of dates such as 03/11/2026 (None:
    inferred from the file's dates). Columns are matched by API name (a source that reads labels matches them
    first, with `match_columns`). Raises UnusableFile when the file cannot give the table.
    """
    frame, problems, bad = _parse(match_columns(text, table, file), table, file, export_zone, day_first)
    frame, duplicates = _drop_duplicate_ids(frame.loc[~bad], file)
    frame, failures = _validate(frame, table, file)
    return frame.reset_index(drop=True), problems + duplicates + failures
