"""Whatever the format, the same data gives the same numbers.

One small sample org is written four ways (see tests/exports.py): Data Loader CSVs (API names, 18-character ids,
UTC), report "Export Details" CSVs in en_US (month first, 'USD 1,234.00', New York wall clock), the same in a
de_DE locale (day first, '1.234,00 $', Berlin wall clock), and .xlsx reports (opportunities a formatted report
grouped by owner). Every form must give the same `python -m kpi summary` JSON at several as-of dates, load into
the same canonical tables, and report nothing but what a report cannot say (which queue a queue name is).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from exports import (DE_DE, EN_US, normalise, queue_names, read_loader_csv, write_loader_csv, write_report_csvs,
                     write_report_workbooks)
from kpi.__main__ import main
from kpi.schema import Org
from kpi.sources import load
from kpi.sources.sample_org import OrgShape, write_sample_org

# Six reps (two per team) and two months of data; every sixth task is kept, so a load takes well under a second.
SHAPE = OrgShape(start=date(2026, 10, 1), history_start=date(2026, 10, 1), departure=None, new_hire_weeks=None,
                 adrs=2, smb_reps=2, mm_reps=2, leads_per_business_day=5, customers_per_rep=3, warm_pipeline_days=30)
SEED = 1
TASKS_KEPT = 6
# The anchor (a Tuesday with activity), the Monday after clocks went back in New York, a Friday in October.
AS_OF = ("2026-11-24", "2026-11-02", "2026-10-16")
FORMS = {"dataloader": "UTC", "reports": EN_US.zone, "reports_de": DE_DE.zone, "workbooks": EN_US.zone}
REPORT_FORMS = [form for form in FORMS if form != "dataloader"]
QUEUE_PROBLEM = re.compile(r"problem: .+, column (?:OwnerId|OldValue|NewValue): '(?P<name>[^']+)' matches no user "
                           r"\(\d+ rows?\); taken as an owner who is no rep \(a queue\?\)")


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("equivalence")
    loader = root / "dataloader"
    write_sample_org(loader, SHAPE, SEED)
    write_loader_csv(read_loader_csv(loader / "Task.csv").iloc[::TASKS_KEPT], loader / "Task.csv")
    normalise(loader, zones=(EN_US.zone, DE_DE.zone))
    write_report_csvs(loader, root / "reports", EN_US)
    write_report_csvs(loader, root / "reports_de", DE_DE)
    write_report_workbooks(loader, root / "workbooks", EN_US.zone)
    return {form: root / form for form in FORMS}


@pytest.fixture(scope="module")
def summaries(folders) -> dict[tuple[str, str], tuple[dict, list[str]]]:
    """(form, as-of) -> the summary JSON and the lines printed on stderr."""
    out = {}
    for form, zone in FORMS.items():
        for as_of in AS_OF:
            stdout, stderr = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                code = main(["summary", "--source", str(folders[form]), "--as-of", as_of, "--export-tz", zone])
            assert code == 0, stderr.getvalue()
            out[form, as_of] = json.loads(stdout.getvalue()), stderr.getvalue().splitlines()
    return out


def _differences(expected: object, actual: object, path: str = "") -> list[str]:
    """Where two JSON values differ, by key path (reps by name)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return [line for key in sorted(set(expected) | set(actual), key=str)
                for line in _differences(expected.get(key), actual.get(key), f"{path}.{key}")]
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [line for i, (e, a) in enumerate(zip(expected, actual))
                for line in _differences(e, a, f"{path}[{e.get('name', i) if isinstance(e, dict) else i}]")]
    return [] if expected == actual else [f"{path}: {expected!r} != {actual!r}"]


@pytest.mark.parametrize("as_of", AS_OF)
@pytest.mark.parametrize("form", REPORT_FORMS)
def test_every_form_gives_the_same_summary(summaries, form, as_of):
    expected, _ = summaries["dataloader", as_of]
    actual, _ = summaries[form, as_of]
    assert _differences(expected, actual) == []


def test_the_summaries_compared_are_not_trivial(summaries):
    anchor, _ = summaries["dataloader", AS_OF[0]]
    reps, team = anchor["reps"], anchor["team"]
    assert len(reps) == 6
    assert team["revenue_qtd"] > 0 and team["quota_quarter"] > 0 and 0 < team["win_rate"] < 1
    assert team["activities_today"] > 0 and team["meetings_today"] > 0
    assert sum(rep["sal_week"] > 0 for rep in reps) >= 2 and team["sql_month"] > 0
    assert any(rep["name"] == "Tomás Delgado" for rep in reps)  # a name that needs the right encoding
    assert len({json.dumps(summaries["dataloader", as_of][0]["team"]) for as_of in AS_OF}) == len(AS_OF)


def test_the_data_loader_form_reports_nothing(summaries):
    assert [line for as_of in AS_OF for line in summaries["dataloader", as_of][1]] == []


@pytest.mark.parametrize("form", REPORT_FORMS)
def test_a_report_form_reports_only_the_queues_it_names(summaries, folders, form):
    """A report names a queue, not its id: the queue names (in the leads report and the lead history) are
    reported as owners who are no rep, and nothing else is reported."""
    queues = set(queue_names(read_loader_csv(folders["dataloader"] / "LeadHistory.csv")).values())
    lines = summaries[form, AS_OF[0]][1]
    unexpected = [line for line in lines if not (QUEUE_PROBLEM.fullmatch(line)
                                                 and QUEUE_PROBLEM.fullmatch(line)["name"] in queues)]
    assert unexpected == []
    assert any("Lead History Report" in line for line in lines)  # the history's queue names, reported as such


@pytest.mark.parametrize("form", ["dataloader", *REPORT_FORMS])
def test_no_object_is_reported_missing(summaries, form):
    assert not any(line.startswith("missing:") for line in summaries[form, AS_OF[0]][1])


def _comparable(org: Org, table: str) -> pd.DataFrame:
    """A canonical table with what a report cannot carry made alike: role ids (a users report names roles, the
    loader makes their ids) as role names, queue ids (a report names queues) as '00G', LeadHistory's owner
    name rows (a report has only those, which the loader reads as the id rows) dropped, the currency of an
    empty amount or cost (a report prints no amount, so no code) empty; rows in id order."""
    frame = getattr(org, table).copy()
    if table == "users":
        frame["UserRoleId"] = frame["UserRoleId"].map(org.user_roles.set_index("Id")["Name"])
    for column in {"leads": ["OwnerId"], "lead_history": ["OldValue", "NewValue"]}.get(table, []):
        frame[column] = frame[column].mask(frame[column].str.startswith("00G").fillna(False), "00G")
    if table == "lead_history":
        owner_ids = (frame["Field"] == "Owner") & (frame["DataType"] == "EntityId")
        frame = frame.loc[owner_ids | (frame["Field"] != "Owner")].assign(DataType=frame["DataType"].where(owner_ids))
    amount = {"opportunities": "Amount", "campaigns": "ActualCost"}.get(table)
    if amount:
        frame["CurrencyIsoCode"] = frame["CurrencyIsoCode"].where(frame[amount].notna())
    keys = ["Id"] if "Id" in frame.columns else list(frame.columns)
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def orgs(folders) -> dict[str, Org]:
    return {form: load(str(folders[form]), export_zone=zone) for form, zone in FORMS.items()}


@pytest.mark.parametrize("form", REPORT_FORMS)
def test_every_form_loads_the_same_tables(orgs, form):
    expected, actual = orgs["dataloader"], orgs[form]
    assert actual.currency == expected.currency
    # Contacts, campaigns and their members are compared once the sample org has them (until then all forms have
    # none).
    for table in ("users", "activities", "leads", "lead_history", "opportunities", "opportunity_history", "quotas",
                  "accounts", "opportunity_partners", "goals", "contacts", "campaigns", "campaign_members",
                  "named_accounts"):
        pd.testing.assert_frame_equal(_comparable(actual, table), _comparable(expected, table), obj=table)
