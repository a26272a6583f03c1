"""Bad input: every file that cannot be read, or row that cannot, is named (file, row, column) and nothing
else is lost. Encodings and delimiters that Excel and Salesforce tools write are read, not reported."""

import resource
import time
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pytest

from kpi.ids import make_ids
from kpi.sources import load_folder
from kpi.sources.csv_text import read_text
from kpi.sources.files import read_files

ANN = "0055g00000AnnAAAAA"
USERS = f"Id,Name,TimeZoneSidKey\n{ANN},Ann Lee,UTC\n"
TASK_HEADER = "Id,OwnerId,Status,Subject\n"


def write(folder: Path, name: str, data: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def messages(org) -> list[str]:
    return [str(p) for p in org.problems]


# Encodings and delimiters ------------------------------------------------------------------------------------

def test_a_cp1252_export_reads_its_accents_and_euro_sign(tmp_path):
    write(tmp_path, "User.csv", f"Id,Name\n{ANN},Jürgen Müller\n", "cp1252")
    write(tmp_path, "deals.csv", "Opportunity ID,Opportunity Owner,Opportunity Name,Amount,Close Date,Closed,Won\n"
          "0065g00000AAAAAAAA,Jürgen Müller,Straße Süd,\"1.234,00 €\",24.11.2026,1,1\n", "cp1252")
    assert "€".encode("cp1252") == b"\x80"  # not UTF-8: the whole file is read as cp1252
    org = load_folder(tmp_path)
    assert messages(org) == []
    assert org.users["Name"].tolist() == ["Jürgen Müller"]
    deal = org.opportunities.iloc[0]
    assert (deal["OwnerId"], deal["Name"], deal["Amount"], deal["CurrencyIsoCode"]) == (
        ANN, "Straße Süd", 1234.0, "EUR")


def test_excel_unicode_text_is_utf16_with_tabs_and_reads(tmp_path):
    # Excel's 'Unicode Text (*.txt)' renamed .csv: UTF-16 LE with a byte-order mark, tab-separated, CRLF.
    text = ("Lead ID\tLead Owner\tLead Status\tCompany / Account\tCreate Date\r\n"
            f"00Q5g00000AAAAAAAA\tAnn Lee\tMQL\tMüller, Söhne & Co\t11/20/2026 9:30 AM\r\n"
            f"00Q5g00000AAAAAAAB\tAnn Lee\tNew\t\"Zoë \"\"Z\"\" Ltd\"\t11/21/2026 9:30 AM\r\n")
    write(tmp_path, "User.csv", USERS)
    path = write(tmp_path, "leads.csv", b"\xff\xfe" + text.encode("utf-16-le"))
    frame, problems = read_text(path)
    assert list(frame.columns) == ["Lead ID", "Lead Owner", "Lead Status", "Company / Account", "Create Date"]
    assert problems == []
    org = load_folder(tmp_path)
    assert messages(org) == []
    assert org.leads["Company"].tolist() == ["Müller, Söhne & Co", 'Zoë "Z" Ltd']  # the comma is no separator
    assert org.leads["OwnerId"].tolist() == [ANN, ANN]
    assert org.leads["CreatedDate"].tolist() == [pd.Timestamp("2026-11-20T09:30:00Z"),
                                                 pd.Timestamp("2026-11-21T09:30:00Z")]


def test_a_european_excel_csv_separated_by_semicolons_reads(tmp_path):
    write(tmp_path, "Opportunity.csv", "Id;OwnerId;Amount;CloseDate;IsClosed;IsWon\r\n"
          f"0065g00000AAAAAAAA;{ANN};1.234,50;24.11.2026;1;1\r\n0065g00000AAAAAAAB;{ANN};99,90;03.11.2026;1;0\r\n",
          "cp1252")
    org = load_folder(tmp_path)
    assert messages(org) == []
    assert org.opportunities["Amount"].tolist() == [1234.5, 99.9]  # decimal comma, decided for the column
    assert org.opportunities["CloseDate"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-24", "2026-11-03"]


def test_dotted_dates_are_day_first_even_when_every_day_is_12_or_less(tmp_path):
    # No value reads one way by its numbers, but only day-first locales (de_DE, ...) write dates with dots.
    write(tmp_path, "Opportunity.csv", "Id;OwnerId;Amount;CloseDate;IsClosed;IsWon;CreatedDate\n"
          f"0065g00000AAAAAAAA;{ANN};100;03.11.2026;1;1;02.11.2026 09:05\n")
    deal = load_folder(tmp_path).opportunities.iloc[0]
    assert deal["CloseDate"] == pd.Timestamp("2026-11-03")  # 3 November, not 11 March
    assert deal["CreatedDate"] == pd.Timestamp("2026-11-02T09:05:00Z")


# Files that cannot be read, and rows that cannot --------------------------------------------------------------

def test_a_file_cut_mid_row_keeps_its_other_rows_and_says_it_looks_cut_off(tmp_path):
    write(tmp_path, "Task.csv", TASK_HEADER + f"00T5g00000AAAAAAAA,{ANN},Completed,Call\n"
                                f"00T5g00000AAAAAAAB,{ANN},Completed,Email\n00T5g00000AAAAAAAC,{ANN},Compl")
    org = load_folder(tmp_path)
    assert messages(org) == [
        "Task.csv row 4: has 3 fields where the header has 4 ('00T5g00000AAAAAAAC,0055g00000AnnAAAAA,Compl'); "
        "row skipped; the file looks cut off"]
    assert org.activities["Id"].str[-1].tolist() == ["A", "B"]


def test_a_file_cut_inside_a_quoted_value_keeps_its_other_rows_and_says_it_looks_cut_off(tmp_path):
    # The last row has all four fields, but its Subject opens a quote the file never closes.
    write(tmp_path, "Task.csv", TASK_HEADER + f"00T5g00000AAAAAAAA,{ANN},Completed,\"Call, left \"\"VM\"\"\"\n"
                                f"00T5g00000AAAAAAAB,{ANN},Completed,\"Call about\nthe rene")
    org = load_folder(tmp_path)
    assert messages(org) == [  # the row's first 60 characters: 19 + 19 + 10 + 'Call about' and its line end + 't'
        "Task.csv row 3: ends inside a quoted value ('00T5g00000AAAAAAAB,0055g00000AnnAAAAA,Completed,Call about\\n"
        "t'); row skipped; the file looks cut off"]
    assert org.activities["Subject"].tolist() == ['Call, left "VM"']


def test_a_stray_quote_inside_a_value_is_not_taken_for_a_cut(tmp_path):
    write(tmp_path, "Task.csv", TASK_HEADER + f"00T5g00000AAAAAAAA,{ANN},Completed,Sent 5\" sample\n")
    org = load_folder(tmp_path)
    assert messages(org) == [] and org.activities["Subject"].tolist() == ['Sent 5" sample']


@pytest.mark.parametrize("name, data, message", [
    ("Task.csv", "<!DOCTYPE html>\n<html><head><title>Login | Salesforce</title></head></html>",
     "Task.csv: is a web page (HTML), not an export: the download probably failed or needed a login; export the "
     "file again"),
    ("Task.csv", "\ufeff\n  <html><body>Error 500</body></html>",  # BOM and blank line first
     "Task.csv: is a web page (HTML), not an export: the download probably failed or needed a login; export the "
     "file again"),
    ("Report.xlsx", "<html><body><table><tr><td>Opportunity Owner</td></tr></table></body></html>",
     "Report.xlsx: is not a readable .xlsx workbook: it is a web page (HTML); export the report again as .xlsx or "
     "CSV (Export > Details Only)"),
    ("Report.xlsx", "PK\x03\x04 not really a zip", "Report.xlsx: is not a readable .xlsx workbook: "),
    ("Task.csv", "", "Task.csv: is empty"),
    ("Task.csv", " \r\n\r\n", "Task.csv: is empty"),
    ("Report.xlsx", "", "Report.xlsx: is empty"),
])
def test_files_that_are_not_exports_are_named_and_the_rest_loads(tmp_path, name, data, message):
    write(tmp_path, "User.csv", USERS)
    write(tmp_path, name, data)
    org = load_folder(tmp_path)
    assert len(org.problems) == 1 and str(org.problems[0]).startswith(message)
    assert org.users["Id"].tolist() == [ANN]  # nothing else lost


def test_a_workbook_with_no_cells_is_empty(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Report"
    book.save(tmp_path / "Report.xlsx")
    assert messages(load_folder(tmp_path)) == ["Report.xlsx: is empty: its sheets hold no cells"]


def test_a_damaged_zip_is_named_and_a_good_one_beside_it_loads(tmp_path):
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as archive:
        archive.writestr("export/Task.csv", TASK_HEADER + f"00T5g00000AAAAAAAA,{ANN},Completed,Call\n")
        archive.writestr("__MACOSX/export/._Task.csv", "\x00\x05\x16\x07")  # Finder's resource fork: skipped
    whole = (tmp_path / "export.zip").read_bytes()
    write(tmp_path, "older.zip", whole[:len(whole) // 2])  # a download cut in half
    org = load_folder(tmp_path)
    assert messages(org) == ["older.zip: is not a readable .zip archive: it is damaged or cut off; download it again"]
    assert org.activities["Id"].tolist() == ["00T5g00000AAAAAAAA"]


@pytest.mark.parametrize("text", [TASK_HEADER, TASK_HEADER.rstrip("\n"), TASK_HEADER.replace("\n", "\r\n")])
def test_a_file_of_only_a_header_delivers_an_empty_table_and_says_so(tmp_path, text):
    write(tmp_path, "Task.csv", text)
    org = load_folder(tmp_path)
    assert messages(org) == ["Task.csv: has a header but no rows"]
    assert org.activities.empty and "Task" not in org.missing  # the export says: no tasks


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_rows_after_a_blank_line_keep_their_spreadsheet_numbers(tmp_path, newline):
    write(tmp_path, "Task.csv", (f"Id,OwnerId,Status,ActivityDate\n00T5g00000AAAAAAAA,{ANN},Completed,2026-11-02\n\n"
                                 f"00T5g00000AAAAAAAB,{ANN},Completed,2026-13-45\n\n\n").replace("\n", newline))
    org = load_folder(tmp_path)
    # Header row 1, a task row 2, a blank row 3 (no record, no problem), the bad date on row 4.
    assert messages(org) == ["Task.csv row 4, column ActivityDate: '2026-13-45' is not a date; row skipped"]
    assert org.activities["Id"].tolist() == ["00T5g00000AAAAAAAA"]


def test_duplicated_ids_keep_the_last_row_and_name_the_rows(tmp_path):
    write(tmp_path, "Task.csv", TASK_HEADER + f"00T5g00000AAAAAAAA,{ANN},Open,first\n"
                                f"00T5g00000AAAAAAAB,{ANN},Completed,other\n00T5g00000AAAAAAAA,{ANN},Completed,"
                                f"second\n00T5g00000AAAAAAAA,{ANN},Completed,third\n")
    org = load_folder(tmp_path)
    # Rows 2 and 4 repeat the Id of row 5; row 5 is kept.
    assert messages(org) == [
        "Task.csv: 2 rows repeat an Id found again further down; the last row of each Id is kept "
        "(e.g. 00T5g00000AAAAAAAA (row 2), 00T5g00000AAAAAAAA (row 4))"]
    assert org.activities["Subject"].tolist() == ["other", "third"]


def test_bad_dates_are_named_by_row_and_column_and_only_their_rows_skipped(tmp_path):
    write(tmp_path, "Opportunity.csv", "Id,OwnerId,Amount,CloseDate,IsClosed,IsWon,CreatedDate\n"
          f"0065g00000AAAAAAAA,{ANN},100,2026-02-30,1,1,2026-01-05T10:00:00Z\n"
          f"0065g00000AAAAAAAB,{ANN},100,soon,1,1,2026-01-05T10:00:00Z\n"
          f"0065g00000AAAAAAAC,{ANN},100,2026-11-02,1,1,yesterday\n"
          f"0065g00000AAAAAAAD,{ANN},100,2026-11-02,maybe,1,2026-01-05T10:00:00Z\n"
          f"0065g00000AAAAAAAE,{ANN},100,11/02/2026,1,1,2026-01-05 10:00:00\n")
    org = load_folder(tmp_path)
    assert messages(org) == [
        "Opportunity.csv row 2, column CloseDate: '2026-02-30' is not a date; row skipped",
        "Opportunity.csv row 3, column CloseDate: 'soon' is not a date; row skipped",
        "Opportunity.csv row 4, column CreatedDate: 'yesterday' is not a date-time; row skipped",
        "Opportunity.csv row 5, column IsClosed: 'maybe' is not true or false; row skipped",
    ]
    assert org.opportunities["Id"].tolist() == ["0065g00000AAAAAAAE"]
    assert org.opportunities["CloseDate"].tolist() == [pd.Timestamp("2026-11-02")]


# Report footers ------------------------------------------------------------------------------------------------

OPPORTUNITY_REPORT = ('"Opportunity ID","Opportunity Owner","Amount","Close Date","Closed","Won","Description"\n'
                      f'"0065g00000AAAAAAAA","Ann Lee","1,000.00","11/02/2026","1","1","short"\n')
LAST_ROW_OVER_LINES = ('"0065g00000AAAAAAAB","Ann Lee","2,000.00","11/03/2026","1","1","Renewal.\n\n'
                       'Signed, sealed\n""delivered""."\n')
QUOTED_FOOTER = ('""\n""\n"Opportunities won"\n"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n'
                 '"Confidential Information - Do Not Distribute"\n"Generated By:  Ann Lee  11/25/2026 9:14 AM"\n'
                 '"Acme, Inc."\n')
BARE_FOOTER = ("\nOpportunities won\nCopyright © 2000-2026 salesforce.com, inc. All rights reserved.\n"
               "Confidential Information - Do Not Distribute\nGenerated By:  Ann Lee  11/25/2026 9:14 AM\nAcme Inc\n")


@pytest.mark.parametrize("footer", [QUOTED_FOOTER, BARE_FOOTER], ids=["quoted", "bare"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
@pytest.mark.parametrize("last", ["", LAST_ROW_OVER_LINES], ids=["plain", "multiline-last-row"])
def test_a_report_footer_is_dropped_and_no_data_with_it(tmp_path, footer, newline, last):
    write(tmp_path, "User.csv", USERS)
    write(tmp_path, "won.csv", (OPPORTUNITY_REPORT + last + footer).replace("\n", newline))
    org = load_folder(tmp_path)
    assert messages(org) == []
    expected = [1000.0, 2000.0] if last else [1000.0]
    assert org.opportunities["Amount"].tolist() == expected
    if last:  # the blank line inside the quoted description is data, not the start of the footer
        assert org.opportunities["Id"].tolist()[1] == "0065g00000AAAAAAAB"


def test_a_footer_in_a_file_whose_last_description_has_a_blank_line_keeps_all_of_it(tmp_path):
    write(tmp_path, "won.csv", OPPORTUNITY_REPORT + LAST_ROW_OVER_LINES + QUOTED_FOOTER)
    frame, problems = read_text(tmp_path / "won.csv")
    assert problems == [] and len(frame) == 2
    assert frame.loc[3, "Description"] == 'Renewal.\n\nSigned, sealed\n"delivered".'


# A large file --------------------------------------------------------------------------------------------------

def _write_tasks(path: Path, rows: int) -> None:
    """A Data Export style Task file, written column-wise (no Python loop over rows)."""
    rng = np.random.default_rng(0)
    owners = make_ids("005", np.arange(40))
    done = np.datetime64("2026-01-01T00:00:00", "s") + rng.integers(0, 330 * 86400, rows).astype("timedelta64[s]")

    def pick(*values: str) -> np.ndarray:
        return np.array(values)[rng.integers(0, len(values), rows)]

    pacsv.write_csv(pa.table({
        "Id": make_ids("00T", np.arange(rows)),
        "OwnerId": owners[rng.integers(0, len(owners), rows)],
        "WhoId": make_ids("00Q", rng.integers(0, 200_000, rows)),
        "Subject": pick("Call", "Email: follow-up", "Call back, re: \"pricing\"", "Meeting prep"),
        "Status": pick("Completed", "Not Started"),
        "TaskSubtype": pick("Call", "Email", "Task"),
        "ActivityDate": pc.strftime(pa.array(done), "%Y-%m-%d"),
        "CompletedDateTime": pc.strftime(pa.array(done), "%Y-%m-%dT%H:%M:%S.000Z"),
        "CreatedDate": pc.strftime(pa.array(done - np.timedelta64(3600, "s")), "%Y-%m-%dT%H:%M:%S.000Z"),
        "IsClosed": pick("true", "false"),
    }), path)


def test_a_200_mb_task_export_is_read_whole_with_progress(tmp_path):
    rows = 1_150_000  # about 174 bytes a row: 200 MB
    path = tmp_path / "tasks_full_export.csv"
    _write_tasks(path, rows)
    size = path.stat().st_size
    assert size > 195_000_000
    seen: list[float] = []
    started = time.perf_counter()
    try:
        batch = read_files([path], progress=lambda share, _: seen.append(share))
    finally:
        path.unlink()  # pytest keeps the last runs' temporary folders: do not keep 200 MB in them
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(f"read {size / 1e6:.0f} MB, {rows:,} rows in {seconds:.1f} s; peak RSS {peak_mb:.0f} MB")
    report = batch.reports[0]
    assert (report.object, report.rows, report.rejected, report.problems) == ("Task", rows, 0, ())
    activities = batch.tables["activities"]
    assert len(activities) == rows and activities["Id"].is_unique
    assert activities["Subject"].isin(["Call", "Email: follow-up", 'Call back, re: "pricing"', "Meeting prep"]).all()
    assert seen == sorted(seen) and seen[0] == 0.0 and seen[-1] == 1.0 and len(seen) >= 3
    assert seconds < 120 and peak_mb < 4096
