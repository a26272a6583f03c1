"""Money and number cells as exports write them: read exactly, or reported, never misread."""

import numpy as np
import pandas as pd
import pytest

from kpi.sources import load_folder
from kpi.sources.conform import money

ANN = "0055g00000AnnAAAAA"
NBSP, NNBSP = "\u00a0", "\u202f"


def cells(*values: str) -> pd.Series:
    return pd.Series(values, dtype="str")


@pytest.mark.parametrize("cell, amount, code", [
    ("USD 1,234.00", 1234.0, "USD"),  # a multi-currency org's report: code, thousands comma, decimal point
    ("$1,234.00", 1234.0, "USD"),
    ("1.234,00 €", 1234.0, "EUR"),  # de_DE: thousands point, decimal comma (',00' reads only one way)
    (f"1{NBSP}234,50 EUR", 1234.5, "EUR"),  # fr_FR: a no-break space between thousands
    (f"1{NNBSP}234,50 EUR", 1234.5, "EUR"),  # ... or a narrow no-break space
    ("1'234.50 CHF", 1234.5, "CHF"),  # de_CH: apostrophe between thousands
    ("12,5 €", 12.5, "EUR"),
    ("€1,234.56", 1234.56, "EUR"),
    ("1500", 1500.0, None),  # Data Loader: a plain number, no currency
    ("500000.0", 500000.0, None),
    ("-12.5e3", -12500.0, None),  # -12.5 x 1000
    ("-$5.00", -5.0, "USD"),  # a sign before the symbol, as spreadsheets write a negative amount
    ("EUR -1.234,5", -1234.5, "EUR"),
])
def test_amounts_and_their_currency_are_read(cell, amount, code):
    values, codes = money(cells(cell))
    assert values[0] == amount
    assert (codes[0] if pd.notna(codes[0]) else None) == code


@pytest.mark.parametrize("cell", [
    "abc", "$5 EUR",  # two currency marks: which one?
    "1,2,3", "1,234.5.6", "(1,234.00)", "USD", "5 dollars",
])
def test_cells_that_are_not_exactly_one_amount_are_empty_never_guessed(cell):
    values, codes = money(cells(cell))
    assert np.isnan(values[0]) and pd.isna(codes[0])


def test_the_decimal_mark_is_decided_once_per_column():
    # '1.234,00' reads only as decimal comma, so '2.500' in the same column is two thousand five hundred.
    values, _ = money(cells("1.234,00", "2.500"))
    assert values.tolist() == [1234.0, 2500.0]
    # With nothing that reads one way only, the point is the decimal mark (en_US): 2.5.
    values, _ = money(cells("2.500"))
    assert values.tolist() == [2.5]
    # A column with both spellings ('1,234.50' and '1.234,50'): the point wins, the other cell is not misread.
    values, _ = money(cells("1,234.50", "1.234,50"))
    assert values[0] == 1234.5 and np.isnan(values[1])


def test_bad_amounts_are_reported_by_row_and_their_rows_skipped_the_currency_kept(tmp_path):
    (tmp_path / "Opportunity.csv").write_text(
        "Id,OwnerId,Amount,CloseDate,IsClosed,IsWon\n"
        f"0065g00000AAAAAAAA,{ANN},\"EUR 1.234,00\",2026-11-02,1,1\n"
        f"0065g00000AAAAAAAB,{ANN},\"900,50 €\",2026-11-02,1,1\n"
        f"0065g00000AAAAAAAC,{ANN},abc,2026-11-02,1,1\n"
        f"0065g00000AAAAAAAD,{ANN},$5 EUR,2026-11-02,1,1\n"
        f"0065g00000AAAAAAAE,{ANN},\"1,2,3\",2026-11-02,1,1\n"
        f"0065g00000AAAAAAAF,{ANN},,2026-11-02,1,1\n", encoding="utf-8")
    org = load_folder(tmp_path)
    assert [str(p) for p in org.problems] == [
        "Opportunity.csv row 4, column Amount: 'abc' is not an amount; row skipped",
        "Opportunity.csv row 5, column Amount: '$5 EUR' is not an amount; row skipped",
        "Opportunity.csv row 6, column Amount: '1,2,3' is not an amount; row skipped",
    ]
    opportunities = org.opportunities
    assert opportunities["Id"].str[-1].tolist() == ["A", "B", "F"]  # an empty amount is no error: the row stays
    assert opportunities["Amount"].tolist()[:2] == [1234.0, 900.5] and np.isnan(opportunities["Amount"][2])
    # The file has no CurrencyIsoCode column: the code written in the cell fills it.
    assert opportunities["CurrencyIsoCode"].tolist()[:2] == ["EUR", "EUR"]
    assert org.currency == "EUR"  # one currency and no rates: it is the corporate currency


def test_a_currency_column_wins_over_the_cell_mark(tmp_path):
    (tmp_path / "Opportunity.csv").write_text(
        "Id,OwnerId,Amount,CurrencyIsoCode,CloseDate,IsClosed,IsWon\n"
        f"0065g00000AAAAAAAA,{ANN},\"$1,000.00\",CAD,2026-11-02,1,1\n"
        f"0065g00000AAAAAAAB,{ANN},\"$2,000.00\",,2026-11-02,1,1\n", encoding="utf-8")
    org = load_folder(tmp_path)
    # Row 2 says CAD ('$' is also the Canadian dollar); row 3 has no code, so its '$' gives USD.
    assert org.opportunities["CurrencyIsoCode"].tolist() == ["CAD", "USD"]


def test_plain_number_columns_read_thousands_commas_but_not_currency(tmp_path):
    (tmp_path / "goals.csv").write_text("owner,metric,period,target\n*,calls,day,\"1,500\"\n*,emails,day,$20\n"
                                        "*,meetings,week,2.5\n", encoding="utf-8")
    org = load_folder(tmp_path)
    assert org.goals["target"].tolist() == [1500.0, 2.5]
    assert [str(p) for p in org.problems] == [
        "goals.csv row 3, column target: '$20' is not a number; row skipped"]


def test_quota_amounts_are_money_too(tmp_path):
    (tmp_path / "ForecastingQuota.csv").write_text(
        "QuotaOwnerId,StartDate,QuotaAmount\n"
        f"{ANN},2026-10-01,\"USD 30,000.00\"\n", encoding="utf-8")
    org = load_folder(tmp_path)
    assert org.quotas["QuotaAmount"].tolist() == [30000.0] and org.quotas["CurrencyIsoCode"].tolist() == ["USD"]


def test_two_dots_can_only_group_thousands():
    # '1.234.567 €' has two dots: the dot groups thousands, so '1.234 €' in the same column is 1234, not 1.234.
    values, codes = money(cells("1.234 €", "1.234.567 €"))
    assert values.tolist() == [1234.0, 1234567.0] and codes.tolist() == ["EUR", "EUR"]
