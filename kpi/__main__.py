"""Command line: `python -m kpi summary|import|imports|list|sample|bench` (DESIGN.md "Command line contract")."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from zoneinfo import available_timezones

import pandas as pd

from kpi import access, cadence, campaigns, charts, customers, named_accounts, partners, people, plan, plans, ramp
from kpi.access import SINGLE_USER, Viewer
from kpi.config import Definitions, SettingsError, settings_file, with_settings
from kpi.periods import FiscalCalendar, parse_day
from kpi.registry import CAMPAIGN_KEYS, ENTRIES, KPIS, PLAN_KEYS, SUMMARY_KEYS, Family
from kpi.review import weekly_review
from kpi.schema import Org, Problem
from kpi.sources import DATE_ORDERS, SourceError, freshness, gaps, import_files, load, store_root
from kpi.sources.conform import UnusableFile
from kpi.sources.csv_text import read_text
from kpi.sources.labels import Mapping
from kpi.speed import SpeedRules
from kpi.store import Store, StoreError
from kpi.summary import Facts, Simulation, backtest, default_as_of, prepare

_SECTIONS = {family.value: keys for family in Family
             if (keys := [k for k in SUMMARY_KEYS if KPIS[k].family is family])}  # per-rep families
_PROBLEMS_SHOWN = 20


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def _review_file(text: str) -> Path:
    path = Path(text)
    if path.suffix not in (".pptx", ".xlsx"):
        raise argparse.ArgumentTypeError(f"{text!r}: the review is written as a .pptx deck or an .xlsx workbook")
    return path


def _speed_rules(text: str) -> SpeedRules:
    try:
        return SpeedRules.with_sla(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _date(text: str) -> pd.Timestamp:
    try:
        return parse_day(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _month(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 12:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month number 1-12")
    return int(text)


def _zone(text: str) -> str:
    if text not in available_timezones():
        raise argparse.ArgumentTypeError(f"{text!r} is not an IANA time zone (e.g. America/New_York)")
    return text


def _report(org: Org) -> None:
    """What the source lacked or got wrong, on stderr, so stdout stays the summary."""
    if gaps(org):
        print(f"missing: {', '.join(f'{name}.csv' for name in gaps(org))} (figures from them are empty)",
              file=sys.stderr)
    _report_problems(org.problems)


def _report_problems(problems: tuple[Problem, ...]) -> None:
    for problem in problems[:_PROBLEMS_SHOWN]:
        print(f"problem: {problem}", file=sys.stderr)
    if len(problems) > _PROBLEMS_SHOWN:
        print(f"... and {len(problems) - _PROBLEMS_SHOWN} more problems", file=sys.stderr)


def _table(doc: dict, title: str, currency: str | None) -> str:
    """The summary document as readable text: one block per KPI family, a row per rep and the team; then the
    partner and customer sections, a line per figure, and the quarter's campaigns, a row each."""
    blocks = [title]
    reps, team = pd.DataFrame(doc["reps"], columns=["name", *SUMMARY_KEYS]), pd.Series(doc["team"])
    sections = {Family.PARTNERS.value: doc["partners"], Family.CUSTOMERS.value: doc["customers"]}
    for section, keys in _SECTIONS.items():
        rows = pd.concat([reps.set_index("name")[keys], team[keys].to_frame("TEAM").T])
        shown = pd.DataFrame({KPIS[k].label: rows[k].map(lambda v, k=k: KPIS[k].format(v, currency=currency)) for k in keys})
        blocks.append(f"\n{section}\n{shown.rename_axis(None).to_string()}")
    for section, values in sections.items():
        lines = [f"  {KPIS[k].label:32} {KPIS[k].format(v, currency=currency)}" for k, v in values.items()]
        blocks.append(f"\n{section}\n" + "\n".join(lines))
    if doc["campaigns"]:
        rows = pd.DataFrame(doc["campaigns"])
        shown = pd.DataFrame({"Campaign": rows["name"].fillna(rows["id"]), "Type": rows["type"].fillna(""),
                              **{KPIS[k].label: rows[k].map(lambda v, k=k: KPIS[k].format(v, currency=currency))
                                 for k in CAMPAIGN_KEYS}})
        blocks.append(f"\n{Family.CAMPAIGNS.value} (this quarter)\n{shown.to_string(index=False)}")
    ramping = [f"{r['name']} ({r['tenure_months']} of the ramp's months in)" for r in doc["reps"] if r["ramping"]]
    blocks.append("\nRamping reps: " + (", ".join(ramping) or "none"))
    if doc["plan"]:
        lines = pd.DataFrame(doc["plan"])
        amount = lines["metric"].isin(plan.AMOUNTS)
        shown = pd.DataFrame({
            "Team": lines["team"], "Line": [plan.label(m, c) for m, c in zip(lines["metric"], lines["channel"])],
            **{KPIS[k].label: [(KPIS["revenue_qtd"] if money and k in ("plan_quarter", "actual_qtd") else KPIS[k]).format(
                v, currency=currency)
                               for v, money in zip(lines[k], amount)] for k in PLAN_KEYS}})
        blocks.append(f"\n{Family.PLAN.value}\n{shown.to_string(index=False)}")
    return "\n".join(blocks)


def _lead_process_gaps(org: Org, rules: Definitions) -> list[str]:
    """What the campaign, named-account and lead-process figures lack (exports, a reason field), and the campaign
    members left out because what they name is not in the data."""
    left_out = campaigns.orphans(org.campaign_members, org.campaigns, org.leads, org.contacts)
    return (campaigns.gaps(org.campaigns, org.campaign_members, org.contacts, org.missing)
            + campaigns.orphan_messages(left_out, org.campaigns) + named_accounts.gaps(org.contacts, org.activities)
            + cadence.gaps(org.leads, rules.lead_process))


def _facts(args: argparse.Namespace) -> tuple[Facts, Viewer]:
    """The source loaded (what it lacked on stderr) and prepared, and who asks: `--viewer`, else everyone."""
    org = load(args.source, args.goals, args.export_tz, store=args.store, day_first=DATE_ORDERS[args.date_order])
    if args.goals is None:  # a goals file named on the command line wins over the saved plan
        org, _ = plans.in_force(org, args.store or store_root())
    _report(org)
    settings = args.settings or settings_file(args.store or store_root())
    definitions = with_settings(Definitions(speed=args.speed), settings)
    facts = prepare(org, definitions)
    if args.viewer is None:
        return facts, SINGLE_USER
    rules = access.Policy.read(args.access or access.policy_file(args.store or store_root()))
    return facts, access.viewer(facts, args.viewer, rules)


def _team(facts: Facts, viewer: Viewer, team: str | None) -> None:
    """Refuse a team the viewer has no rep in (a typo, or a team outside what they may see)."""
    teams = people.teams(access.restrict(facts, viewer.sees).people)
    if team and team not in teams:
        raise SourceError(f"no team named {team!r} among those {'you can see' if viewer.signed_in else 'in the data'}"
                          f"; teams: {', '.join(teams)}")


def _summary(args: argparse.Namespace) -> int:
    facts, viewer = _facts(args)
    _team(facts, viewer, args.team)
    rules = facts.definitions
    as_of = args.as_of or default_as_of(facts)
    for gap in (partners.gaps(facts.org.accounts, rules.partners) + customers.gaps(facts.org.opportunities,
                                                                                   rules.customers)
                + ramp.gaps(facts.org.users, rules.ramp) + plan.gaps(facts.org.goals, people.teams(facts.people))
                + _lead_process_gaps(facts.org, rules)):
        print(f"note: {gap}", file=sys.stderr)
    _report_problems(tuple(named_accounts.assignments(facts.org.named_accounts, facts.org.users, facts.org.accounts,
                                                      as_of)[1]))
    calendar = FiscalCalendar(args.fiscal_start)
    simulation = Simulation(args.trials, args.seed)
    doc = access.summary_for(facts, viewer, as_of, calendar, args.team, simulation)
    if args.format == "json":
        print(json.dumps(doc, indent=2))
    else:
        title = f"As of {as_of:%Y-%m-%d} ({calendar.quarter(as_of).name})" + (f", team {args.team}" if args.team else "")
        print(_table(doc, title, facts.org.currency))
    return 0


def _backtest(args: argparse.Namespace) -> int:
    """The forecast replayed over past quarters: how often the actual came in at or below P50 and inside P10-P90,
    and the Brier score of the chance to hit quota."""
    facts, viewer = _facts(args)
    as_of = args.as_of or default_as_of(facts)
    cases, calibration = backtest(access.restrict(facts, viewer.sees), as_of, FiscalCalendar(args.fiscal_start),
                                  args.quarters, args.every_weeks, Simulation(args.trials, args.seed))
    if args.format == "json":
        print(json.dumps(calibration, indent=2))
        return 0
    rows = {"all quarters": calibration, **calibration["quarters"]}
    table = pd.DataFrame({name: {"cases": c["cases"], "actual <= P50 (ideal 50%)": c["share_at_or_below_p50"],
                                 "inside P10-P90 (ideal 80%)": c["share_inside_p10_p90"],
                                 "Brier, chance to hit quota (0 best, 0.25 coin flip)": c["brier"]}
                          for name, c in rows.items()}).T
    print(f"Forecast backtest: {len(cases)} forecasts of reps and teams, made at "
          f"{'the middle of each quarter' if args.every_weeks is None else f'every {args.every_weeks} weeks'}"
          + (f"; skipped (nothing closed before them): {', '.join(calibration['skipped'])}"
             if calibration["skipped"] else ""))
    print(table.to_string(float_format=lambda v: f"{v:.2f}"))
    return 0


def _weekly_review(args: argparse.Namespace):
    """The source loaded, its review as of the day asked (default: the data's), and how fresh the data is."""
    everything, viewer = _facts(args)
    _team(everything, viewer, args.team)
    facts = access.restrict(everything, viewer.sees)
    calendar = FiscalCalendar(args.fiscal_start)
    as_of = args.as_of or default_as_of(facts)
    fresh = (freshness(Store(args.store or store_root()).imports(), pd.Timestamp.now(tz="UTC"))
             if args.source in ("store", "salesforce") else None) or \
        ("the bundled sample org" if args.source == "sample" else f"read from {args.source}")
    return facts, calendar, weekly_review(facts, as_of, calendar, args.team, viewer.scope_name), fresh


def _review(args: argparse.Namespace) -> int:
    """The weekly review as a PowerPoint deck (.pptx) or an Excel workbook (.xlsx)."""
    facts, calendar, review, fresh = _weekly_review(args)
    if args.out.suffix == ".pptx":
        from kpi.deck import deck_bytes
        content = deck_bytes(review, fresh, facts.org.currency, charts.review_figures(review, facts, calendar))
    else:
        from kpi.workbook import workbook_bytes
        content = workbook_bytes(review, facts, calendar, fresh, facts.org.currency)
    args.out.write_bytes(content)
    print(f"wrote {args.out} ({len(content):,} bytes): weekly review of {review.team_name} as of "
          f"{review.as_of:%Y-%m-%d}")
    return 0


def _digest(args: argparse.Namespace) -> int:
    """The week's headline and exceptions as markdown (chat) or HTML (email), on stdout for cron."""
    from kpi import digest
    facts, _, review, fresh = _weekly_review(args)
    write = digest.markdown if args.format == "markdown" else digest.as_html
    sys.stdout.write(write(review, fresh, facts.org.currency))
    return 0


def _import(args: argparse.Namespace) -> int:
    """Files into the local store; a line per file on stdout, problems on stderr. Exit 2 when no file could
    be used, 1 when some could not, 0 when all were imported."""
    absent = [str(p) for p in args.files if not p.is_file()]
    if absent:
        raise SourceError(f"no such file: {', '.join(absent)}")
    store = Store(args.store or store_root())
    if args.mapping and not args.mapping.is_file():
        raise SourceError(f"mapping file {args.mapping} does not exist")
    try:
        mapping = Mapping.load(args.mapping) if args.mapping else None
    except ValueError as error:
        raise SourceError(str(error)) from None
    batch, record = import_files(store, args.files, f"files {', '.join(p.name for p in args.files)}",
                                 args.export_tz, mapping,
                                 lambda done, step: print(f"{done:4.0%} {step}", file=sys.stderr),
                                 DATE_ORDERS[args.date_order])
    for report in batch.reports:
        what = report.object or "not recognised"
        read = f"{report.rows - report.rejected:,} rows, {report.rejected:,} rejected" if report.table else "not read"
        days = f", {report.first_day} to {report.last_day}" if report.first_day else ""
        print(f"{report.file}: {what}, {read}{days}")
    _report_problems(batch.problems)
    if record is None:
        print("nothing imported: no file gave a table", file=sys.stderr)
        return 2
    print(f"import {record.id} stored in {store.root} (version {store.version()})")
    return 1 if any(r.object is None or (r.table is None and r.problems) for r in batch.reports) else 0


def _pull(args: argparse.Namespace) -> int:
    """Salesforce into the local store, for cron: exit 0 when it landed, 2 when it did not (nothing changed)."""
    from kpi.sources import salesforce
    store = Store(args.store or store_root())
    try:
        record, use = salesforce.pull(salesforce.Credentials.from_environment(), store,
                                      args.since.tz_localize("UTC") if args.since is not None else None,
                                      progress=lambda done, step: print(f"{done:4.0%} {step}", file=sys.stderr),
                                      calendar=FiscalCalendar(args.fiscal_start),
                                      bulk=salesforce.Bulk(None if args.no_bulk else args.bulk_from))
    except salesforce.PullError as error:
        raise SourceError(f"the Salesforce pull failed: {error}") from None
    tables = ", ".join(f"{name} {rows:,}" for name, rows in record.rows.items())
    print(f"pull {record.id} stored in {store.root} (version {store.version()}): {tables}; {use}")
    return 0


def _imports(args: argparse.Namespace) -> int:
    for record in Store(args.store or store_root()).imports():
        tables = ", ".join(f"{name} {rows:,}" for name, rows in record.rows.items())
        print(f"{record.id:4} {record.at}  {record.source}: {tables}" + (f" ({record.note})" if record.note else ""))
    return 0


def _list(_: argparse.Namespace) -> int:
    for kpi in ENTRIES:
        print(f"{kpi.name:24} {kpi.label:26} {kpi.unit.value:9} {kpi.formula}")
    return 0


def _sample(args: argparse.Namespace) -> int:
    from kpi.sources import sample, sample_org
    if args.out is None:
        print(f"sample org in {sample.ensure()}")
        return 0
    rows = sample_org.write_sample_org(args.out, sample_org.OrgShape(), args.seed)
    print(f"wrote {sum(rows.values()):,} rows in {len(rows)} files to {args.out}")
    return 0


def _goals(args: argparse.Namespace) -> int:
    """Save a goals file as the plan in force (a new version), write the plan in force to one, or list versions."""
    root = args.store or store_root()
    if args.action == "history":
        for v in plans.versions(root):
            print(f"v{v.number}  {v.saved_at}  {v.saved_by}  {v.rows} rows  (from v{v.based_on}){'  ' + v.note if v.note else ''}")
        return 0
    if args.file is None:
        raise SourceError(f"goals {args.action} needs a file: python -m kpi goals {args.action} FILE --source SRC")
    facts, _ = _facts(args)
    if args.action == "export":
        facts.org.goals.reindex(columns=plans.COLUMNS).to_csv(args.file, index=False, lineterminator="\n")
        print(f"wrote {len(facts.org.goals)} rows to {args.file}", file=sys.stderr)
        return 0
    try:
        rows, unreadable = read_text(args.file)
    except (OSError, UnusableFile) as error:
        raise SourceError(f"{args.file}: {getattr(error, 'problem', error)}") from None
    if unreadable:
        raise SourceError("; ".join(str(p) for p in unreadable))
    try:
        table = plans.check(rows, facts.people, first_row=int(rows.index[0]) if len(rows) else 2)
        version = plans.save(root, table, args.by, plans.latest(root), args.note)
    except plans.PlanError as error:
        print(f"error: {args.file}: nothing saved:", *error.problems, sep="\n  ", file=sys.stderr)
        return 2
    except plans.PlanConflict as error:
        raise SourceError(str(error)) from None
    print(f"saved {args.file} as plan version {version.number} ({version.rows} rows)", file=sys.stderr)
    return 0


def _bench(args: argparse.Namespace) -> int:
    from kpi import bench
    return bench.main(args.folder, args.runs)


def _store_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--store", type=Path, help="the local store's folder (default: KPI_STORE, else data/store)")


def _source_options(command: argparse.ArgumentParser, as_of_help: str) -> None:
    """Where the data comes from and how it is read, the as-of date and the fiscal calendar."""
    command.add_argument("--source", required=True,
                         help="'sample', 'store' (the local store), 'salesforce', or a folder or .zip of exports")
    _store_option(command)
    command.add_argument("--as-of", type=_date, help=as_of_help)
    command.add_argument("--fiscal-start", type=_month, default=1, help="month the fiscal year starts (default 1)")
    command.add_argument("--goals", type=Path, help="goals CSV (default: goals.csv in the source folder)")
    command.add_argument("--sla-hours", type=_speed_rules, default=SpeedRules(), dest="speed",
                         help="speed-to-lead SLA in business hours (default 1)")
    _reading_options(command)
    command.add_argument("--settings", type=Path, help="partner and customer rules (default: KPI_SETTINGS, else "
                                                       "settings.toml in the store; README \"Settings\")")
    command.add_argument("--viewer", metavar="EMAIL", help="only what the person signing in with this email may "
                                                           "see (README \"Sign-in\")")
    command.add_argument("--access", type=Path, help="the access file for --viewer (default: KPI_ACCESS, else "
                                                     "access.toml in the store)")


def _simulation_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--trials", type=_positive, default=10_000, help="simulated quarters of the forecast")
    command.add_argument("--seed", type=int, default=0, help="the forecast's random seed (same seed, same figures)")


def _reading_options(command: argparse.ArgumentParser) -> None:
    """How report exports were written: the exporting user's time zone and date order."""
    command.add_argument("--export-tz", type=_zone, default="UTC",
                         help="time zone of report date-times without offset (Data Loader files are UTC)")
    command.add_argument("--date-order", choices=list(DATE_ORDERS), default="auto",
                         help="order of numeric dates like 03/11/2026 (default: inferred per file)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m kpi", description="Sales-team KPIs from Salesforce data.")
    commands = top.add_subparsers(dest="command", required=True)
    s = commands.add_parser("summary", help="scorecard of every rep and the team, as JSON or a table")
    _source_options(s, "YYYY-MM-DD (default: the data's newest activity day)")
    s.add_argument("--format", choices=("json", "table"), default="json")
    s.add_argument("--team", help="only this team's reps; 'team' totals them")
    _simulation_options(s)
    s.set_defaults(run=_summary)
    t = commands.add_parser("backtest", help="replay the forecast over past quarters and say how well calibrated "
                                             "it was")
    _source_options(t, "YYYY-MM-DD: the quarters before the one holding it are replayed (default: the data's "
                       "newest activity day)")
    t.add_argument("--quarters", type=_positive, default=4, help="how many past quarters (default 4)")
    t.add_argument("--every-weeks", type=_positive, help="forecast every N weeks of each quarter (default: once, "
                                                         "at its middle)")
    _simulation_options(t)
    t.add_argument("--format", choices=("json", "table"), default="table")
    t.set_defaults(run=_backtest)
    r = commands.add_parser("review", help="the weekly review as a deck (.pptx) or a workbook (.xlsx)")
    _source_options(r, "YYYY-MM-DD (default: the data's newest activity day)")
    r.add_argument("--team", help="only this team (default: the whole floor)")
    r.add_argument("--out", type=_review_file, required=True, help="review.pptx or review.xlsx")
    r.set_defaults(run=_review)
    d = commands.add_parser("digest", help="the week's headline and exceptions for a chat channel or an email")
    _source_options(d, "YYYY-MM-DD (default: the data's newest activity day)")
    d.add_argument("--team", help="only this team (default: the whole floor)")
    d.add_argument("--format", choices=("markdown", "html"), default="markdown")
    d.set_defaults(run=_digest)
    i = commands.add_parser("import", help="read export files (CSV, .xlsx, .zip) into the local store")
    i.add_argument("files", nargs="+", type=Path)
    _store_option(i)
    _reading_options(i)
    i.add_argument("--mapping", type=Path, help="mapping file for custom fields and labels (default: the store's "
                                                "mapping.toml)")
    i.set_defaults(run=_import)
    p = commands.add_parser("pull", help="pull from Salesforce (credentials: SALESFORCE_* variables) into the store")
    _store_option(p)
    p.add_argument("--since", type=_date, help="YYYY-MM-DD (default: the current and two previous fiscal quarters)")
    p.add_argument("--fiscal-start", type=_month, default=1, help="month the fiscal year starts (default 1)")
    p.add_argument("--bulk-from", type=int, default=10_000, metavar="ROWS",
                   help="objects with this many rows to pull go through Bulk API 2.0 (default 10,000)")
    p.add_argument("--no-bulk", action="store_true", help="REST queries only (e.g. no Bulk API permission)")
    p.set_defaults(run=_pull)
    h = commands.add_parser("imports", help="the local store's import history")
    _store_option(h)
    h.set_defaults(run=_imports)
    commands.add_parser("list", help="every KPI of the registry").set_defaults(run=_list)
    g = commands.add_parser("sample", help="write the bundled sample org (data/sample) or a copy elsewhere")
    g.add_argument("--out", type=Path, help="folder to write to instead of data/sample")
    g.add_argument("--seed", type=int, default=0)
    g.set_defaults(run=_sample)
    o = commands.add_parser("goals", help="the plan (goals) in force: import a goals file as a new version, "
                                           "export it, or list its versions")
    o.add_argument("action", choices=("import", "export", "history"))
    o.add_argument("file", type=Path, nargs="?", help="the goals CSV to import or write")
    _source_options(o, "unused")
    o.add_argument("--by", default=getpass.getuser(), help="who saves (default: this login's name)")
    o.add_argument("--note", default="", help="why this version (shown in the history)")
    o.set_defaults(run=_goals)
    b = commands.add_parser("bench", help="time load and summary on a large generated org")
    b.add_argument("--folder", type=Path, help="where to write the large org (default: a temporary folder)")
    b.add_argument("--runs", type=int, default=5, help="timed runs per measurement (median reported)")
    b.set_defaults(run=_bench)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (SourceError, StoreError, SettingsError, access.AccessDenied, access.AccessFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
