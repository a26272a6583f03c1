import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from factories import uid, user
from kpi import store as store_module
from kpi.schema import TABLES
from kpi.store import FileRecord, ImportRecord, Store, StoreError

ROOT = Path(__file__).resolve().parents[2]
MON = pd.Timestamp("2026-11-23 09:00", tz="UTC")
TUE = pd.Timestamp("2026-11-24 09:00", tz="UTC")


def rows(name: str, *dicts: dict) -> pd.DataFrame:
    """A canonical table typed from Table.empty(), so it follows whatever kinds the schema declares (factories.table
    reads text for a kind it does not know, e.g. the new MONEY); unnamed columns are empty, booleans default."""
    spec, empty = TABLES[name], TABLES[name].empty()
    frame = pd.DataFrame(list(dicts), columns=list(empty.columns))
    for column, dtype in empty.dtypes.items():
        values = frame[column]
        if dtype == bool:
            values = values.astype(object).fillna(spec.columns()[column].metadata["default"])
        elif isinstance(dtype, pd.DatetimeTZDtype):
            values = pd.to_datetime(values, utc=True)
        elif dtype.kind == "M":
            values = pd.to_datetime(values)
        frame[column] = values.astype(dtype)
    return spec.model.validate(frame)


def opp(n: int, **fields) -> dict:
    return {"Id": uid("006", n), "OwnerId": user(1), "Amount": 1_000.0 * n, "CloseDate": "2026-12-01",
            "IsClosed": False, "IsWon": False, **fields}


def commit(store: Store, now=TUE, columns: dict | None = None, source: str = "upload", **tables) -> ImportRecord:
    """Commit whole tables (every column present unless `columns` says otherwise)."""
    present = {name: set(frame.columns) for name, frame in tables.items()} | (columns or {})
    return store.commit({name: [(frame, present[name])] for name, frame in tables.items()}, source, (), now=now)


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def sample_row(name: str, n: int, empty: bool) -> dict:
    """Row n of a table with a value of its type in every column, or None in every nullable one."""
    values = {"str": uid("a0X", n), "bool": True, "float64": 2.5, "datetime64[us]": "2026-11-24",
              "datetime64[us, UTC]": "2026-11-24T15:30:00Z"}
    special = {"metric": "calls", "period": "week", "channel": "reseller", "quarter": "FY2026 Q4", "IsoCode": "EUR",
               "CurrencyIsoCode": "EUR"}  # values the goals and rates checks accept
    columns = TABLES[name].columns()
    return {c: special.get(c, values[str(dtype)]) if not (empty and columns[c].nullable) else None
            for c, dtype in TABLES[name].empty().dtypes.items()}


@pytest.mark.parametrize("name", list(TABLES))
def test_every_table_round_trips_with_its_dtypes(tmp_path, name):
    delivered = rows(name, sample_row(name, 1, empty=False), sample_row(name, 2, empty=True))
    store = Store(tmp_path)
    commit(store, **{name: delivered})
    back = store.tables()
    assert list(back) == [name]
    assert_frame_equal(TABLES[name].model.validate(back[name]), delivered)
    assert back[name].dtypes.to_dict() == TABLES[name].empty().dtypes.to_dict()


def test_an_empty_store_has_no_tables_and_typed_empty_history(tmp_path):
    store = Store(tmp_path / "not yet created")
    assert store.is_empty() and store.version() == 0 and store.tables() == {} and store.imports() == []
    history = store.history("leads")
    assert history.empty and list(history.columns) == [*TABLES["leads"].columns(), "_import", "_imported_at"]
    assert str(history["_imported_at"].dtype) == "datetime64[us, UTC]"


def test_delivered_rows_replace_stored_rows_by_id_and_new_ids_follow(tmp_path):
    store = Store(tmp_path)
    commit(store, opportunities=rows("opportunities", opp(1), opp(2)))  # stored A, B
    commit(store, opportunities=rows("opportunities", opp(2, Amount=5.0), opp(3)))  # delivered B', C
    stored = store.tables()["opportunities"]
    # A unchanged, B replaced in place, C appended.
    assert stored["Id"].tolist() == [uid("006", 1), uid("006", 2), uid("006", 3)]
    assert stored["Amount"].tolist() == [1_000.0, 5.0, 3_000.0]
    commit(store, opportunities=rows("opportunities", opp(4), opp(1, Amount=9.0)))  # delivered D, A'
    stored = TABLES["opportunities"].model.validate(store.tables()["opportunities"])
    # A' stays first (updated where it was), D goes after the stored rows although it was delivered first.
    assert stored["Id"].tolist() == [uid("006", n) for n in (1, 2, 3, 4)]
    assert stored["Amount"].tolist() == [9.0, 5.0, 3_000.0, 4_000.0]


def test_columns_a_file_lacked_keep_their_stored_values(tmp_path):
    store = Store(tmp_path)
    commit(store, opportunities=rows("opportunities", opp(1, StageName="Prospecting", Type="New")))
    # A report export without the Type column: the source fills Type empty, `columns` says it was absent.
    lean = rows("opportunities", opp(1, StageName="Closed Won"), opp(2, StageName="Prospecting"))
    commit(store, opportunities=lean, columns={"opportunities": set(lean.columns) - {"Type"}})
    stored = store.tables()["opportunities"].set_index("Id")
    assert stored.loc[uid("006", 1), "StageName"] == "Closed Won"  # the file had StageName: updated
    assert stored.loc[uid("006", 1), "Type"] == "New"  # the file lacked Type: kept
    assert pd.isna(stored.loc[uid("006", 2), "Type"])  # a new row has nothing to keep
    # A file that has the column but an empty cell does clear it.
    commit(store, opportunities=rows("opportunities", opp(1, StageName="Closed Won")))
    assert pd.isna(store.tables()["opportunities"].set_index("Id").loc[uid("006", 1), "Type"])


def test_lead_history_is_a_union_without_identical_rows(tmp_path):
    def change(new: str, at: str) -> dict:
        return {"LeadId": uid("00Q", 1), "Field": "Status", "NewValue": new, "CreatedDate": at}

    mql, sal, sql = (change("MQL", "2026-11-02T10:00:00Z"), change("SAL", "2026-11-05T10:00:00Z"),
                     change("SQL", "2026-11-09T10:00:00Z"))
    sal_again = change("SAL", "2026-11-12T10:00:00Z")  # same lead and field, later: a new change, kept
    store = Store(tmp_path)
    commit(store, lead_history=rows("lead_history", mql, sal))
    commit(store, lead_history=rows("lead_history", sal, sql, sal_again))  # sal is delivered again: kept once
    stored = store.tables()["lead_history"]
    assert stored["NewValue"].tolist() == ["MQL", "SAL", "SQL", "SAL"]
    assert stored["CreatedDate"].dt.day.tolist() == [2, 5, 9, 12]


def test_opportunity_history_is_a_union_without_identical_rows(tmp_path):
    def change(field: str, old: str, new: str, at: str) -> dict:
        return {"OpportunityId": uid("006", 1), "Field": field, "OldValue": old, "NewValue": new, "CreatedDate": at}

    qualified = change("StageName", "Prospecting", "Qualification", "2026-11-02T10:00:00Z")
    pushed = change("CloseDate", "2026-11-30", "2026-12-15", "2026-11-03T10:00:00Z")
    pushed_again = change("CloseDate", "2026-12-15", "2027-01-15", "2026-11-10T10:00:00Z")
    # The same field, values and time as `pushed` but another opportunity: a distinct row, kept.
    other = pushed | {"OpportunityId": uid("006", 2)}
    store = Store(tmp_path)
    commit(store, opportunity_history=rows("opportunity_history", qualified, pushed))
    # The next export overlaps the first: `pushed` comes again and is kept once.
    commit(store, opportunity_history=rows("opportunity_history", pushed, pushed_again, other))
    stored = store.tables()["opportunity_history"]
    assert stored["NewValue"].tolist() == ["Qualification", "2026-12-15", "2027-01-15", "2026-12-15"]
    assert stored["OpportunityId"].str[-4].tolist() == ["1", "1", "1", "2"]
    assert stored["CreatedDate"].dt.day.tolist() == [2, 3, 10, 3]


def test_quotas_upsert_by_owner_period_and_kind(tmp_path):
    def quota(owner: int, start: str, amount: float, quantity: bool = False) -> dict:
        return {"QuotaOwnerId": user(owner), "StartDate": start, "QuotaAmount": amount, "IsQuantity": quantity}

    store = Store(tmp_path)
    commit(store, quotas=rows("quotas", quota(1, "2026-10-01", 100.0), quota(1, "2026-10-01", 5.0, quantity=True)))
    commit(store, quotas=rows("quotas", quota(1, "2026-10-01", 120.0), quota(1, "2027-01-01", 100.0)))
    stored = store.tables()["quotas"]
    # Q4 revenue 100 -> 120; Q4 quantity 5 untouched (other IsQuantity); Q1 revenue added.
    assert list(zip(stored["StartDate"].dt.strftime("%Y-%m-%d"), stored["IsQuantity"], stored["QuotaAmount"])) == [
        ("2026-10-01", False, 120.0), ("2026-10-01", True, 5.0), ("2027-01-01", False, 100.0)]


def test_goals_are_replaced_whole_and_tables_not_delivered_stay(tmp_path):
    def goal(metric: str, target: float) -> dict:
        return {"owner": "*", "metric": metric, "period": "day", "target": target}

    store = Store(tmp_path)
    commit(store, goals=rows("goals", goal("calls", 50), goal("emails", 30)),
           opportunities=rows("opportunities", opp(1)))
    commit(store, goals=rows("goals", goal("meetings", 2)))
    tables = store.tables()
    assert tables["goals"]["metric"].tolist() == ["meetings"]  # calls and emails are gone
    assert tables["opportunities"]["Id"].tolist() == [uid("006", 1)]


def test_named_accounts_are_replaced_whole_and_campaign_members_upsert_by_id(tmp_path):
    member = {"Id": uid("00v", 1), "CampaignId": uid("701", 1), "LeadId": uid("00Q", 1),
              "CreatedDate": "2026-11-02T09:00:00Z"}
    store = Store(tmp_path)
    commit(store, named_accounts=rows("named_accounts", {"owner": "ann@acme.com", "account": uid("001", 1)},
                                      {"owner": "ann@acme.com", "account": uid("001", 2)}),
           campaign_members=rows("campaign_members", member, {**member, "Id": uid("00v", 2)}))
    # A new file is the whole list (like goals); a member that responded replaces its row, the other stays.
    commit(store, named_accounts=rows("named_accounts", {"owner": "bo@acme.com", "account": uid("001", 3)}),
           campaign_members=rows("campaign_members", {**member, "HasResponded": True, "Status": "Responded"}))
    tables = store.tables()
    assert tables["named_accounts"].values.tolist() == [["bo@acme.com", uid("001", 3)]]
    members = tables["campaign_members"]
    assert members[["Id", "HasResponded", "Status"]].fillna("").values.tolist() == [
        [uid("00v", 1), True, "Responded"], [uid("00v", 2), False, ""]]


def test_imports_are_logged_and_history_keeps_every_delivered_version(tmp_path):
    store = Store(tmp_path)
    csv = FileRecord("Opportunity.csv", "Opportunity", "opportunities", 2, 1, "2026-11-01", "2026-12-01")
    deals = rows("opportunities", opp(1), opp(2))
    first = store.commit({"opportunities": [(deals, set(deals.columns))]}, "folder /exports", (csv,),
                         now=pd.Timestamp("2026-11-23 10:00", tz="Europe/Berlin"))
    commit(store, now=TUE, source="salesforce pull", opportunities=rows("opportunities", opp(1, Amount=7.0)))
    assert first == ImportRecord(1, "2026-11-23T09:00:00Z", "folder /exports", (csv,), {"opportunities": 2})
    assert Store(tmp_path).imports() == [first, ImportRecord(2, "2026-11-24T09:00:00Z", "salesforce pull", (),
                                                             {"opportunities": 1})]
    history = store.history("opportunities")
    # Opportunity 1 as import 1 gave it (1,000), then as import 2 gave it (7); opportunity 2 once.
    assert list(zip(history["_import"], history["Id"], history["Amount"])) == [
        (1, uid("006", 1), 1_000.0), (1, uid("006", 2), 2_000.0), (2, uid("006", 1), 7.0)]
    assert history["_imported_at"].tolist() == [MON, MON, TUE]
    assert history["_import"].dtype == "int64" and str(history["_imported_at"].dtype) == "datetime64[us, UTC]"
    assert store.history("leads").empty


def test_a_column_the_schema_gained_since_a_file_was_written_reads_as_its_default(tmp_path):
    store = Store(tmp_path)
    commit(store, users=rows("users", {"Id": user(1), "Name": "Ann", "IsActive": False, "Title": "AE"},
                             {"Id": user(2), "Name": "Bo", "IsActive": False}))
    snapshot = tmp_path / json.loads((tmp_path / "manifest.json").read_text())["tables"]["users"]
    pd.read_parquet(snapshot).drop(columns=["IsActive", "Title"]).to_parquet(snapshot)  # as an older schema wrote
    users = TABLES["users"].model.validate(store.tables()["users"])
    assert users["IsActive"].tolist() == [True, True]  # absent IsActive means active
    assert users["Title"].isna().all()


def test_a_failed_commit_leaves_the_store_exactly_as_before(tmp_path, monkeypatch):
    store = Store(tmp_path)
    commit(store, opportunities=rows("opportunities", opp(1)), users=rows("users", {"Id": user(1), "Name": "Ann"}))
    before, files_before = store.tables(), files(tmp_path)
    real, calls = store_module.pq.write_table, []

    def disk_full_on_the_second_table(*args, **kwargs):
        calls.append(1)
        if len(calls) > 2:  # opportunities' history and snapshot are written, users' history fails
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(store_module.pq, "write_table", disk_full_on_the_second_table)
    with pytest.raises(OSError, match="disk full"):
        commit(store, opportunities=rows("opportunities", opp(2)), users=rows("users", {"Id": user(2), "Name": "Bo"}))
    assert len(calls) == 3
    assert store.version() == 1 and len(store.imports()) == 1
    for name, frame in store.tables().items():
        assert_frame_equal(frame, before[name])
    assert files(tmp_path) == files_before  # no temp file, no snapshot or history file of the failed commit


CHILD = """
import sys, time
import pandas as pd
import pyarrow.parquet as pq
from pathlib import Path
from kpi import store
from kpi.schema import TABLES

def slow_snapshot(table, where, **kwargs):
    # Write half the snapshot, tell the test, then hang until killed.
    if "snapshots" not in where.name:
        return real(table, where, **kwargs)
    with pq.ParquetWriter(where, table.schema) as writer:
        writer.write_table(table.slice(0, table.num_rows // 2))
        where.flush()
        print("writing", flush=True)
        time.sleep(60)

real, store.pq.write_table = pq.write_table, slow_snapshot
n = 200_000
big = TABLES["opportunities"].empty().reindex(range(n))
big = big.assign(Id=[f"006{i:012d}AAA" for i in range(n)], OwnerId="005000000000001AAA", Amount=1.0,
                 CloseDate=pd.Timestamp("2026-12-01"), IsClosed=False, IsWon=False)
big = big.astype(TABLES["opportunities"].empty().dtypes.to_dict())
store.Store(Path(sys.argv[1])).commit({"opportunities": [(big, set(big.columns))]}, "big", ())
"""


def child(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_writer_killed_mid_write_leaves_the_old_version_readable(tmp_path):
    store = Store(tmp_path)
    commit(store, opportunities=rows("opportunities", opp(1)))
    before = store.tables()
    writer = child(CHILD, str(tmp_path))
    try:
        assert writer.stdout.readline().strip() == "writing"
        assert any(p.name.endswith(".tmp") for p in (tmp_path / "snapshots").iterdir())  # a half-written file
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait()
    assert store.version() == 1 and [r.source for r in store.imports()] == ["upload"]
    assert_frame_equal(store.tables()["opportunities"], before["opportunities"])
    # The lock died with the writer; the next commit lands and removes what the killed one left.
    commit(store, opportunities=rows("opportunities", opp(2)))
    assert store.tables()["opportunities"]["Id"].tolist() == [uid("006", 1), uid("006", 2)]
    assert files(tmp_path) == {".lock", "manifest.json", "snapshots/opportunities.v1.parquet",
                               "snapshots/opportunities.v2.parquet", "history/opportunities/1.parquet",
                               "history/opportunities/2.parquet"}


def test_a_reader_of_the_previous_manifest_can_still_open_its_files(tmp_path):
    store = Store(tmp_path)
    commit(store, opportunities=rows("opportunities", opp(1)), users=rows("users", {"Id": user(1), "Name": "Ann"}))
    manifest = json.loads((tmp_path / "manifest.json").read_text())  # a reader reads the manifest ...
    before = store.tables()
    commit(store, opportunities=rows("opportunities", opp(2)))  # ... a commit lands ...
    for name, path in manifest["tables"].items():  # ... and the reader opens the files it named
        assert_frame_equal(pd.read_parquet(tmp_path / path), before[name])
    # One commit later, version 1's own opportunities snapshot goes; users v1 is still the current one.
    commit(store, opportunities=rows("opportunities", opp(3)))
    assert {p.name for p in (tmp_path / "snapshots").iterdir()} == {
        "users.v1.parquet", "opportunities.v2.parquet", "opportunities.v3.parquet"}


def test_two_writers_at_once_wait_for_the_lock_and_both_land(tmp_path):
    store = Store(tmp_path)
    commit(store, opportunities=rows("opportunities", opp(1)))
    script = """
import sys
from pathlib import Path
import pandas as pd
from kpi.schema import TABLES
from kpi.store import Store
n = int(sys.argv[2])
row = TABLES["opportunities"].empty().reindex([0]).assign(
    Id=f"006{n:012d}AAA", OwnerId="005000000000001AAA", Amount=1.0, CloseDate=pd.Timestamp("2026-12-01"),
    IsClosed=False, IsWon=False).astype(TABLES["opportunities"].empty().dtypes.to_dict())
print("ready", flush=True)
Store(Path(sys.argv[1])).commit({"opportunities": [(row, set(row.columns))]}, f"writer {n}", ())
"""
    with open(tmp_path / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a commit in progress
        writers = [child(script, str(tmp_path), str(n)) for n in (2, 3)]
        assert [w.stdout.readline().strip() for w in writers] == ["ready", "ready"]
        time.sleep(0.3)
        assert store.version() == 1  # both wait
    assert [w.wait(timeout=20) for w in writers] == [0, 0]
    assert store.version() == 3
    assert sorted(r.source for r in store.imports()[1:]) == ["writer 2", "writer 3"]
    assert sorted(store.tables()["opportunities"]["Id"]) == [uid("006", n) for n in (1, 2, 3)]


@pytest.mark.parametrize("text", ["{not json", '{"format": 99, "version": 1, "tables": {}, "imports": []}',
                                  '{"format": 1, "version": 1}', "[]"])
def test_a_corrupt_manifest_is_named_in_the_error(tmp_path, text):
    (tmp_path / "manifest.json").write_text(text)
    store = Store(tmp_path)
    for read in (store.version, store.tables, store.imports, lambda: commit(store, goals=rows("goals"))):
        with pytest.raises(StoreError, match=str(tmp_path / "manifest.json")):
            read()


def test_a_missing_or_corrupt_snapshot_is_named_in_the_error(tmp_path):
    store = Store(tmp_path)
    commit(store, opportunities=rows("opportunities", opp(1)))
    snapshot = tmp_path / "snapshots/opportunities.v1.parquet"
    snapshot.write_bytes(b"not parquet")
    with pytest.raises(StoreError, match=str(snapshot)):
        store.tables()
    snapshot.unlink()
    with pytest.raises(StoreError, match=str(snapshot)):
        store.tables()


def test_ids_deleted_in_salesforce_leave_the_store(tmp_path):
    store = Store(tmp_path)
    commit(store, opportunities=rows("opportunities", opp(1), opp(2), opp(3)))
    # An incremental pull: opp 2 changed, opp 3 deleted, and activities only had a deletion (no rows).
    store.commit({"opportunities": [(rows("opportunities", opp(2, Amount=9.0)), {"Id", "Amount"})]}, "pull", (),
                 now=TUE, deleted={"opportunities": {uid("006", 3)}, "activities": {uid("00T", 1)}})
    deals = store.tables()["opportunities"]
    assert deals["Id"].tolist() == [uid("006", 1), uid("006", 2)] and deals["Amount"].tolist() == [1000.0, 9.0]
    assert store.imports()[-1].rows == {"opportunities": 1}
