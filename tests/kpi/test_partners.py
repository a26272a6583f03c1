import pandas as pd
import pytest

from factories import org, uid, user
from kpi import partners
from kpi.periods import FiscalCalendar
from kpi.summary import deals_as_of, partner_view, prepare

AS_OF = pd.Timestamp("2026-11-24")  # FY2026 Q4 (1 Oct - 31 Dec), 55 days of it gone
R1, R2 = user(1), user(2)
P1, P2, P3, P4, P5, P6 = (uid("001", n) for n in range(1, 7))
D1, D2, D3, D4, D5, D6 = (uid("006", n) for n in range(1, 7))
NY = "America/New_York"


def partner(n: str, typ: str, owner: str = R1, **fields) -> dict:
    return {"Id": n, "Name": f"Partner {n[-4:]}", "OwnerId": owner, "Type": typ,
            "CreatedDate": "2026-01-05T15:00:00Z", **fields}


def deal(n: str, owner: str, amount: float, close: str, created: str, won: bool = False, **fields) -> dict:
    return {"Id": n, "OwnerId": owner, "Amount": amount, "CloseDate": close, "IsWon": won, "IsClosed": won,
            "CreatedDate": f"{created}T15:00:00Z", **fields}


@pytest.fixture(scope="module")
def facts():
    """R1 owns five partners, R2 one. P1 certified 61 days after recruiting (a day past the deadline, but
    certified); P2 recruited exactly 60 days ago (on time) and P3 61 days ago (overdue), neither certified; P4
    recruited on its CreatedDate in October; P5 certified in April and quiet since August; P6 (R2's) certified
    only after the as-of date."""
    certified = {"Certification_Status__c": "Certified"}
    return prepare(org(
        users=[{"Id": u, "Name": name, "IsActive": True, "Department": "Channel", "TimeZoneSidKey": NY}
               for u, name in ((R1, "Rita One"), (R2, "Raj Two"))],
        accounts=[
            partner(P1, "Reseller", Partner_Recruited_Date__c="2026-09-01", Certified_Date__c="2026-11-01",
                    **certified),
            partner(P2, "Service Provider", Partner_Recruited_Date__c="2026-09-25",
                    Certification_Status__c="In Progress"),
            partner(P3, "Channel Partner / Reseller", Partner_Recruited_Date__c="2026-09-24"),
            partner(P4, "Technology Partner", CreatedDate="2026-10-10T15:00:00Z"),
            partner(P5, "Reseller", Partner_Recruited_Date__c="2026-03-01", Certified_Date__c="2026-04-01",
                    **certified),
            partner(P6, "Partner", R2, Partner_Recruited_Date__c="2026-10-01", Certified_Date__c="2026-12-01",
                    **certified),
            {"Id": uid("001", 9), "Name": "A customer", "OwnerId": R1, "Type": "Customer - Direct"}],
        opportunities=[
            deal(D1, R1, 10_000, "2026-12-15", "2026-11-05", PartnerAccountId=P1),
            deal(D2, R1, 20_000, "2026-11-20", "2026-11-03", won=True, PrimaryPartnerAccountId=P4),
            deal(D3, R1, 5_000, "2026-12-20", "2026-11-10", LeadSource="Partner Referral"),
            deal(D4, R1, 8_000, "2026-09-15", "2026-08-01", won=True, PrimaryPartnerAccountId=P5),
            deal(D5, R2, 7_000, "2026-12-10", "2026-11-01", PartnerAccountId=P6),
            deal(D6, R1, 50_000, "2026-12-01", "2026-10-01", LeadSource="Web")],
        opportunity_partners=[  # the primary row outranks D2's PrimaryPartnerAccountId (P4)
            {"Id": uid("00I", 1), "OpportunityId": D2, "AccountToId": P3, "IsPrimary": False},
            {"Id": uid("00I", 2), "OpportunityId": D2, "AccountToId": P1, "IsPrimary": True, "Role": "Reseller"}],
        goals=[{"owner": R1, "metric": "partners_recruited", "period": "quarter", "target": 3}],
    ))


def view(facts, *owners):
    return partner_view(facts, AS_OF, FiscalCalendar(), pd.Index(owners), deals_as_of(facts, AS_OF))


def test_each_deal_is_sourced_by_the_first_partner_field_that_names_one(facts):
    sourced = view(facts, R1).sourced.set_index("Id")
    assert sourced.loc[[D1, D2, D4, D5], partners.PARTNER].tolist() == [P1, P1, P5, P6]
    assert sourced.loc[D3, partners.SOURCED] and pd.isna(sourced.loc[D3, partners.PARTNER])  # a referral
    assert not sourced.loc[D6, partners.SOURCED]


def test_certification_against_the_60_day_deadline(facts):
    table = view(facts, R1).partners.set_index("Id")
    assert table.loc[P1, "days_to_certify"] == 61  # 1 Sep -> 1 Nov: a day late, but certified: not overdue
    assert table.loc[[P1, P2, P3, P4, P5], "overdue"].tolist() == [False, False, True, False, False]
    assert table.loc[[P2, P3], "age_days"].tolist() == [60, 61]  # 25 Sep and 24 Sep to 24 Nov
    assert table.loc[P4, "recruited"] == pd.Timestamp("2026-10-10")  # no recruited date: its CreatedDate day


def test_first_deal_and_quiet_partners(facts):
    table = view(facts, R1).partners.set_index("Id")
    # P1 sourced D2 (created 3 Nov) and D1 (5 Nov): first deal 2 days after its certification on 1 Nov.
    assert table.loc[P1, ["first_deal", "days_to_first_deal"]].tolist() == [pd.Timestamp("2026-11-03"), 2]
    assert table.loc[P1, ["sourced_pipeline", "sourced_won_qtd"]].tolist() == [10_000, 20_000]
    # P5's last sourced deal was created 1 Aug, more than 90 days before 24 Nov (the window opens 26 Aug).
    assert table.loc[table["quiet"]].index.tolist() == [P5]


def test_the_partners_section_for_one_rep(facts):
    assert view(facts, R1).figures == {
        "recruited_qtd": 1,  # P4 (10 Oct); P1-P3 in September, P5 in March
        "recruited_goal_quarter": 3.0,
        "certified_qtd": 1,  # P1 on 1 Nov
        "overdue_certification": 1,  # P3
        "median_days_to_certify": 46.0,  # P1 61 days, P5 31 days (certified 1 Apr, inside the 12 months)
        "sourced_pipeline": 15_000.0,  # D1 10,000 + D3 5,000 (a referral), open and closing this quarter
        "sourced_won_qtd": 20_000.0,  # D2
        "quiet": 1,  # P5
    }


def test_the_partners_section_for_two_reps_adds_the_second(facts):
    figures = view(facts, R1, R2).figures
    # P6 was recruited 1 Oct; its certification on 1 Dec is after the as-of date, so not yet.
    assert (figures["recruited_qtd"], figures["certified_qtd"], figures["overdue_certification"]) == (2, 1, 1)
    assert figures["sourced_pipeline"] == 22_000.0  # + D5 7,000
    assert figures["recruited_goal_quarter"] == 3.0  # Raj has no goal


def test_recruited_per_quarter_and_owner(facts):
    calendar = FiscalCalendar()
    q4 = calendar.quarter(AS_OF)
    q3 = calendar.quarter(q4.start - pd.Timedelta(days=1))
    table = view(facts, R1, R2).partners
    counts = partners.recruited_by_quarter(table, [q3, q4])
    assert counts.loc[q3.name].to_dict() == {R1: 3, R2: 0}  # P1, P2, P3 in September
    assert counts.loc[q4.name].to_dict() == {R1: 1, R2: 1}  # P4, P6


def test_what_is_missing_says_what_to_configure(facts):
    assert partners.gaps(facts.org.accounts) == []
    no_status = facts.org.accounts.assign(Certification_Status__c=None)
    assert partners.gaps(no_status)[0].startswith("No partner account has Certification_Status__c: export it")
    assert "under [partners] types in settings.toml" in partners.gaps(facts.org.accounts.assign(Type="Customer"))[0]


def test_sourced_business_per_quarter(facts):
    calendar = FiscalCalendar()
    q4 = calendar.quarter(AS_OF)
    q3 = calendar.quarter(q4.start - pd.Timedelta(days=1))
    per_quarter = partners.sourced_by_quarter(view(facts, R1).sourced, pd.Index([R1]), [q3, q4])
    # Q3: D4 created 1 Aug and won 15 Sep (8,000). Q4: D1 10,000 + D2 20,000 + D3 5,000 created; D2 won.
    assert per_quarter.to_dict("index") == {q3.name: {"created": 8_000, "won": 8_000},
                                            q4.name: {"created": 35_000, "won": 20_000}}
