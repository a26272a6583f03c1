"""Amounts in one currency before any sum: static rates, dated rates by close date, and what happens without."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factories import table, user

from kpi.currency import corporate_currency, to_corporate
from kpi.sources import load_folder
from kpi.summary import prepare, summary

ANN = user(1)
CURRENCY_TYPE = [{"IsoCode": "USD", "ConversionRate": 1.0, "IsCorporate": True},
                 {"IsoCode": "EUR", "ConversionRate": 0.9}]
# EUR per USD: 0.8 through October 2026, 0.75 from 1 November (an open range).
DATED = [{"IsoCode": "EUR", "ConversionRate": 0.8, "StartDate": "2026-10-01", "NextStartDate": "2026-11-01"},
         {"IsoCode": "EUR", "ConversionRate": 0.75, "StartDate": "2026-11-01"}]


def deals(*rows: tuple[float, str | None, str]) -> pd.DataFrame:
    return table("opportunities", *({"Id": f"006{n:012d}AAA", "OwnerId": ANN, "Amount": amount,
                                     "CurrencyIsoCode": code, "CloseDate": day, "IsClosed": True, "IsWon": True}
                                    for n, (amount, code, day) in enumerate(rows)))


def test_a_static_rate_divides_the_amount():
    tables, currency, problems = to_corporate({"opportunities": deals((900.0, "EUR", "2026-11-02"),
                                                                      (1000.0, "USD", "2026-11-02"))},
                                              table("currency_rates", *CURRENCY_TYPE))
    # 0.9 EUR make 1 USD: EUR 900 / 0.9 = USD 1000; the USD deal is left as it is.
    assert currency == "USD" and problems == []
    assert tables["opportunities"]["Amount"].tolist() == pytest.approx([1000.0, 1000.0])
    assert tables["opportunities"]["CurrencyIsoCode"].tolist() == ["EUR", "USD"]  # the record's own currency


def test_dated_rates_apply_by_close_date_and_win_over_the_static_rate():
    tables, currency, problems = to_corporate(
        {"opportunities": deals((400.0, "EUR", "2026-10-31"), (900.0, "EUR", "2026-11-01"),
                                (90.0, "EUR", "2026-09-30"))},
        table("currency_rates", *CURRENCY_TYPE, *DATED))
    # 31 Oct: StartDate 1 Oct <= day < NextStartDate 1 Nov -> 0.8: 400 / 0.8 = 500.
    # 1 Nov: the first range has ended (its NextStartDate is not in it); the open range from 1 Nov -> 0.75:
    # 900 / 0.75 = 1200.
    # 30 Sep: before every dated range -> the static CurrencyType rate 0.9: 90 / 0.9 = 100.
    assert currency == "USD" and problems == []
    assert tables["opportunities"]["Amount"].tolist() == pytest.approx([500.0, 1200.0, 100.0])


def test_a_rates_file_without_is_corporate_names_the_corporate_currency_by_its_rate_of_1():
    rates = table("currency_rates", {"IsoCode": "EUR", "ConversionRate": 0.9},
                  {"IsoCode": "USD", "ConversionRate": 1.0})
    # Most deals are in EUR, but rates are per corporate unit: USD, at 1, is the corporate currency.
    tables, currency, problems = to_corporate({"opportunities": deals((900.0, "EUR", "2026-11-02"),
                                                                      (450.0, "EUR", "2026-11-02"),
                                                                      (100.0, "USD", "2026-11-02"))}, rates)
    assert currency == "USD" and problems == []
    assert tables["opportunities"]["Amount"].tolist() == pytest.approx([1000.0, 500.0, 100.0])  # 900/0.9, 450/0.9


def test_dated_rates_alone_name_the_corporate_currency_by_rates_of_1():
    rates = table("currency_rates", {"IsoCode": "USD", "ConversionRate": 1.0, "StartDate": "2026-01-01"},
                  {"IsoCode": "EUR", "ConversionRate": 0.5, "StartDate": "2026-01-01"})
    tables, currency, problems = to_corporate({"opportunities": deals((1000.0, "USD", "2026-11-02"),
                                                                      (1000.0, "EUR", "2026-11-02"),
                                                                      (1000.0, "EUR", "2026-11-03"))}, rates)
    # Most deals are in EUR, but only USD's every rate is 1: EUR 1000 / 0.5 = USD 2000.
    assert currency == "USD" and problems == []
    assert tables["opportunities"]["Amount"].tolist() == pytest.approx([1000.0, 2000.0, 2000.0])


def test_quotas_are_converted_by_their_start_date():
    quotas = table("quotas", {"QuotaOwnerId": ANN, "StartDate": "2026-10-01", "QuotaAmount": 24000.0,
                              "CurrencyIsoCode": "EUR"})
    tables, _, _ = to_corporate({"quotas": quotas}, table("currency_rates", *CURRENCY_TYPE, *DATED))
    assert tables["quotas"]["QuotaAmount"].tolist() == pytest.approx([30000.0])  # 24000 / 0.8


def test_a_currency_with_no_rate_is_left_out_and_said():
    tables, currency, problems = to_corporate({"opportunities": deals((100.0, "GBP", "2026-11-02"),
                                                                      (200.0, "GBP", "2026-11-03"),
                                                                      (300.0, "USD", "2026-11-02"))},
                                              table("currency_rates", *CURRENCY_TYPE))
    amounts = tables["opportunities"]["Amount"]
    assert np.isnan(amounts[0]) and np.isnan(amounts[1]) and amounts[2] == 300.0
    assert [str(p) for p in problems] == [
        "opportunities, column Amount: 2 amounts in GBP have no rate to USD; they are left out of every sum"]


def test_without_rates_one_currency_is_the_corporate_currency_and_nothing_changes():
    frame = deals((100.0, "EUR", "2026-11-02"), (250.0, None, "2026-11-02"))
    tables, currency, problems = to_corporate({"opportunities": frame}, table("currency_rates"))
    assert currency == "EUR" and problems == []
    assert tables["opportunities"]["Amount"].tolist() == [100.0, 250.0]  # a record with no code is corporate


def test_without_rates_the_minority_currency_is_left_out_naming_the_files_to_add():
    frame = deals((100.0, "EUR", "2026-11-02"), (200.0, "EUR", "2026-11-02"), (300.0, "USD", "2026-11-02"))
    tables, currency, problems = to_corporate({"opportunities": frame}, table("currency_rates"))
    assert currency == "EUR"  # the most used code
    assert tables["opportunities"]["Amount"].tolist()[:2] == [100.0, 200.0]
    assert np.isnan(tables["opportunities"]["Amount"][2])
    assert [str(p) for p in problems] == [
        "opportunities, column Amount: 1 amounts in USD have no rate to EUR; add CurrencyType.csv, "
        "DatedConversionRate.csv or a rates file; they are left out of every sum"]


def test_no_currency_anywhere_gives_no_currency():
    frame = deals((100.0, None, "2026-11-02"))
    tables, currency, problems = to_corporate({"opportunities": frame}, table("currency_rates"))
    assert currency is None and problems == [] and tables["opportunities"]["Amount"].tolist() == [100.0]
    assert corporate_currency(table("currency_rates", *CURRENCY_TYPE), pd.Series(["EUR"] * 3)) == "USD"


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_revenue_in_the_summary_is_in_the_corporate_currency(tmp_path):
    write(tmp_path, "User.csv", f"Id,Name,TimeZoneSidKey\n{ANN},Ann Lee,UTC\n")
    write(tmp_path, "Opportunity.csv", "Id,OwnerId,Amount,CurrencyIsoCode,CloseDate,IsClosed,IsWon\n"
          f"006000000000001AAA,{ANN},900,EUR,2026-11-02,true,true\n"
          f"006000000000002AAA,{ANN},1000,USD,2026-11-02,true,true\n"
          f"006000000000003AAA,{ANN},400,EUR,2026-10-15,true,true\n"
          f"006000000000004AAA,{ANN},150,EUR,2026-09-30,true,true\n"
          f"006000000000005AAA,{ANN},100,GBP,2026-11-02,true,true\n")
    write(tmp_path, "CurrencyType.csv", "Id,IsoCode,ConversionRate,DecimalPlaces,IsCorporate\n"
          "01L000000000001AAA,USD,1,2,true\n01L000000000002AAA,EUR,0.9,2,false\n")
    write(tmp_path, "DatedConversionRate.csv", "Id,IsoCode,ConversionRate,StartDate,NextStartDate\n"
          "04w000000000001AAA,EUR,0.8,2026-10-01,2026-11-01\n04w000000000002AAA,EUR,0.75,2026-11-01,\n")
    org = load_folder(tmp_path)
    assert org.currency == "USD"
    assert [str(p) for p in org.problems] == [
        "opportunities, column Amount: 1 amounts in GBP have no rate to USD; they are left out of every sum"]
    doc = summary(prepare(org), pd.Timestamp("2026-11-24"))
    # FY2026 Q4 (October-December) to 24 Nov: EUR 900 on 2 Nov / 0.75 = 1200; USD 1000; EUR 400 on 15 Oct / 0.8
    # = 500; the 30 Sep deal is in Q3 and the GBP deal has no rate: 1200 + 1000 + 500 = 2700.
    assert doc["fiscal_quarter"] == "FY2026 Q4"
    assert doc["reps"][0]["revenue_qtd"] == pytest.approx(2700.0)
    assert doc["team"]["revenue_qtd"] == pytest.approx(2700.0)
