"""Files into the store (`import_files`) and out again (`store_org`): the same files give the same tables
whether read as a folder, imported at once or imported one by one; a failed file replaces nothing."""

from pathlib import Path

import pandas as pd
import pytest

from kpi.sources import import_files, load_folder, store_org
from kpi.store import Store

ANN = "0055g00000AnnAAAAA"
USERS = f"Id,Name,IsActive\n{ANN},Ann Lee,true\n"
DEAL = "0065g00000AAAAAAAA"
# A Data Loader file with the forecast category, then a pipeline report without it, with a new amount.
FULL = f"Id,OwnerId,Amount,CloseDate,IsClosed,IsWon,ForecastCategoryName\n{DEAL},{ANN},1000,2026-12-01,0,0,Commit\n"
REPORT = ("Opportunity ID,Opportunity Owner,Amount,Close Date,Closed,Won\n"
          f"{DEAL},Ann Lee,1500,12/01/2026,0,0\n")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def deal(tables: dict[str, pd.DataFrame]) -> list:
    return tables["opportunities"].loc[0, ["Amount", "ForecastCategoryName"]].tolist()


def test_a_later_file_replaces_only_the_columns_it_has_however_the_files_arrive(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    paths = [write(exports, "1 User.csv", USERS), write(exports, "2 full.csv", FULL),
             write(exports, "3 report.csv", REPORT)]
    # The report (read after the full export, in name order) brings the amount 1500; it has no forecast
    # category, so 'Commit' stays.
    assert deal({"opportunities": load_folder(exports).opportunities}) == [1500.0, "Commit"]
    at_once = Store(tmp_path / "at-once")
    import_files(at_once, paths, "test")
    assert deal(at_once.tables()) == [1500.0, "Commit"]
    one_by_one = Store(tmp_path / "one-by-one")
    for path in paths:
        import_files(one_by_one, [path], "test")
    assert deal(one_by_one.tables()) == [1500.0, "Commit"]


def test_rates_from_two_imports_are_both_kept(tmp_path):
    store = Store(tmp_path / "store")
    import_files(store, [write(tmp_path, "User.csv", USERS), write(
        tmp_path, "Opportunity.csv", "Id,OwnerId,Amount,CurrencyIsoCode,CloseDate,IsClosed,IsWon\n"
        f"{DEAL},{ANN},900,EUR,2026-11-02,1,1\n")], "deals")
    import_files(store, [write(tmp_path, "CurrencyType.csv", "IsoCode,ConversionRate,IsCorporate\n"
                                                             "USD,1,true\nEUR,0.9,false\n")], "rates")
    import_files(store, [write(tmp_path, "DatedConversionRate.csv", "IsoCode,ConversionRate,StartDate,NextStartDate\n"
                                                                    "EUR,0.75,2026-11-01,\n")], "dated rates")
    org = store_org(store)
    # The static rates (with the corporate mark) survive the dated import: USD is corporate, and the
    # 2 Nov deal takes the dated rate from 1 Nov: EUR 900 / 0.75 = USD 1200.
    assert org.currency == "USD" and len(org.currency_rates) == 3
    assert org.opportunities["Amount"].tolist() == pytest.approx([1200.0])


def test_a_goals_file_whose_every_row_fails_keeps_the_goals_stored(tmp_path):
    store = Store(tmp_path / "store")
    import_files(store, [write(tmp_path, "goals.csv", "owner,metric,period,target\n*,calls,day,40\n")], "good")
    batch, record = import_files(store, [write(tmp_path, "goals.csv", "owner,metric,period,target\n"
                                                                      "*,calls,day,forty\n")], "bad")
    assert record is None and batch.reports[0].rejected == 1  # reported, and nothing to commit
    assert store.tables()["goals"]["target"].tolist() == [40.0] and store.version() == 1


def test_opportunity_partner_rows_are_replaced_by_their_id(tmp_path):
    store = Store(tmp_path / "store")
    header = "Id,OpportunityId,AccountToId,Role,IsPrimary\n"
    first = "00J5g00000AAAAAAAA,0065g00000AAAAAAAA,0015g00000PartAAAA,Reseller,true\n"
    import_files(store, [write(tmp_path, "OpportunityPartner.csv", header + first)], "first")
    # The same row again, now not primary, and a second partner on the deal: one row each, not a union.
    import_files(store, [write(tmp_path, "OpportunityPartner.csv", header + first.replace("true", "false")
                               + "00J5g00000AAAAAAAB,0065g00000AAAAAAAA,0015g00000ResAAAAA,Consultant,false\n")],
                 "second")
    rows = store_org(store).opportunity_partners
    assert rows[["Id", "IsPrimary"]].values.tolist() == [["00J5g00000AAAAAAAA", False], ["00J5g00000AAAAAAAB", False]]
