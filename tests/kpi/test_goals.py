import pandas as pd

from factories import table, user
from kpi.goals import named_users, target, team_targets, user_targets
from kpi.people import ROLE


def people() -> pd.DataFrame:
    """Three ADRs (role 'ADR') and an AE; rep 1's email is ann@example.com."""
    frame = pd.DataFrame({"Id": [user(1), user(2), user(3), user(4)],
                          "Email": ["Ann@Example.com", "bo@example.com", "cy@example.com", "di@example.com"],
                          ROLE: ["ADR", "ADR", "ADR", "Mid-Market AE"]})
    return frame


def goals(*rows: tuple) -> pd.DataFrame:
    return table("goals", *[dict(zip(("owner", "metric", "period", "target"), row)) for row in rows])


def test_most_specific_owner_wins_per_metric_and_period():
    rows = goals(("*", "sal", "week", 3), ("ADR", "sal", "week", 5), (user(1), "sal", "week", 8),
                 ("ADR", "sal", "month", 20), ("ann@example.com", "calls", "day", 45), ("adr", "calls", "day", 30))
    targets = user_targets(rows, people())
    weekly = target(targets, "sal", "week", quarter=None)
    # Rep 1: Id row (8) beats role (5) and '*' (3); reps 2 and 3: role (5); the AE: only '*' (3).
    assert weekly.to_dict() == {user(1): 8, user(2): 5, user(3): 5, user(4): 3}
    # Rep 1's weekly Id row does not hide the monthly role row; nobody else has monthly goals but ADRs.
    assert target(targets, "sal", "month", quarter=None).to_dict() == {user(1): 20, user(2): 20, user(3): 20}
    # Email matches without regard to case and beats the role row (also matched without case).
    assert target(targets, "calls", "day", quarter=None).to_dict() == {user(1): 45, user(2): 30, user(3): 30}


def test_no_row_means_no_target_and_goals_are_never_converted():
    targets = user_targets(goals(("ADR", "sql", "week", 2)), people())
    assert target(targets, "sql", "month", quarter=None).empty  # a weekly goal is not turned into a monthly one
    assert user(4) not in target(targets, "sql", "week", quarter=None).index  # the AE has no SQL goal at all


def test_equally_specific_rows_the_later_wins_and_15_char_ids_match():
    rows = goals(("ADR", "sal", "week", 4), ("ADR", "sal", "week", 6), (user(2)[:15], "sal", "week", 9))
    assert target(user_targets(rows, people()), "sal", "week", quarter=None).to_dict() == {
        user(1): 6, user(2): 9, user(3): 6}


def test_a_star_row_alone_names_nobody():
    assert list(named_users(goals(("*", "calls", "day", 20)), people())) == []
    assert sorted(named_users(goals(("Mid-Market AE", "revenue", "quarter", 1)), people())) == [user(4)]


def test_users_without_email_are_not_matched_by_rows_without_email():
    # A role row and a missing email must not pair up as if the row named the user by email.
    nobody_has_email = people().assign(Email=None)
    targets = user_targets(goals(("ADR", "calls", "day", 30), (user(2), "calls", "day", 40)), nobody_has_email)
    assert target(targets, "calls", "day", quarter=None).to_dict() == {user(1): 30, user(2): 40, user(3): 30}


def plan_rows(*rows: tuple) -> pd.DataFrame:
    """Goals rows with a channel and a quarter: (owner, metric, period, target, channel, quarter)."""
    return table("goals", *[dict(zip(("owner", "metric", "period", "target", "channel", "quarter"), row))
                            for row in rows])


def test_a_row_naming_the_quarter_beats_one_that_does_not_whatever_their_order():
    rows = plan_rows(("ADR", "sal", "quarter", 30, None, "FY2026 Q4"), ("ADR", "sal", "quarter", 20, None, None),
                     ("ADR", "sal", "quarter", 25, None, "FY2026 Q3"))
    targets = user_targets(rows, people())
    adrs = [user(1), user(2), user(3)]
    # Q4: the Q4 row (30) wins over the every-quarter row (20) although that one comes later in the file.
    assert target(targets, "sal", "quarter", quarter="FY2026 Q4").to_dict() == dict.fromkeys(adrs, 30)
    # Q3: its own row (25); Q1: only the every-quarter row holds (20).
    assert target(targets, "sal", "quarter", quarter="FY2026 Q3").to_dict() == dict.fromkeys(adrs, 25)
    assert target(targets, "sal", "quarter", quarter="FY2027 Q1").to_dict() == dict.fromkeys(adrs, 20)
    # No quarter asked: only the rows that hold in every quarter.
    assert target(targets, "sal", "quarter", quarter=None).to_dict() == dict.fromkeys(adrs, 20)


def test_the_owner_is_weighed_before_the_quarter_and_two_dated_rows_the_later_wins():
    rows = plan_rows(("ADR", "sql", "quarter", 9, None, "FY2026 Q4"), (user(1), "sql", "quarter", 4, None, None),
                     ("*", "sql", "quarter", 1, None, "FY2026 Q4"), ("*", "sql", "quarter", 2, None, "FY2026 Q4"))
    got = target(user_targets(rows, people()), "sql", "quarter", quarter="FY2026 Q4").to_dict()
    # Rep 1: their own undated row (4) beats the role's Q4 row (9); reps 2-3: the role's Q4 row;
    # the AE: two '*' Q4 rows, the later (2) wins.
    assert got == {user(1): 4, user(2): 9, user(3): 9, user(4): 2}


def test_revenue_by_channel_is_a_target_of_its_own():
    rows = plan_rows(("Mid-Market AE", "revenue", "quarter", 100_000, None, None),
                     ("Mid-Market AE", "revenue", "quarter", 40_000, "reseller", None),
                     ("di@example.com", "revenue", "quarter", 15_000, "service_provider", "FY2026 Q4"),
                     ("Mid-Market AE", "revenue", "quarter", 10_000, "service_provider", "FY2026 Q4"))
    targets = user_targets(rows, people())
    in_q4 = dict(quarter="FY2026 Q4")
    # Over every channel: the row without a channel only (the channel rows are not added up into it).
    assert target(targets, "revenue", "quarter", **in_q4).to_dict() == {user(4): 100_000}
    assert target(targets, "revenue", "quarter", channel="reseller", **in_q4).to_dict() == {user(4): 40_000}
    # Service providers: the email row (15,000) is more specific than the later role row (10,000).
    assert target(targets, "revenue", "quarter", channel="service_provider", **in_q4).to_dict() == {user(4): 15_000}
    assert target(targets, "revenue", "quarter", channel="direct", **in_q4).empty  # no row: no target, not 0


def test_team_rows_name_no_user_and_set_the_teams_own_line():
    rows = plan_rows(("team:East", "revenue", "quarter", 200_000, None, None),
                     ("team:East", "revenue", "quarter", 250_000, None, "FY2026 Q4"),
                     ("team:East", "revenue", "quarter", 180_000, None, None),  # later, but names no quarter
                     (" team: West ", "revenue", "quarter", 90_000, None, None),
                     ("team:East", "revenue", "quarter", 60_000, "reseller", "FY2026 Q4"),
                     ("team:East", "sal", "quarter", 12, None, None))
    # No user is named by a team row, not even through '*'-like matching of the owner text.
    assert user_targets(rows, people()).empty
    assert list(named_users(rows, people())) == []
    # Q4: East's dated row (250,000) beats both undated ones; West's owner is read stripped. Teams are keyed
    # case-folded: 'team:east' and 'team:East' are one team's lines.
    assert team_targets(rows, "revenue", quarter="FY2026 Q4").to_dict() == {"east": 250_000, "west": 90_000}
    # Q3: among East's undated rows the later (180,000) wins.
    assert team_targets(rows, "revenue", quarter="FY2026 Q3").to_dict() == {"east": 180_000, "west": 90_000}
    assert team_targets(rows, "revenue", quarter="FY2026 Q4", channel="reseller").to_dict() == {"east": 60_000}
    assert team_targets(rows, "revenue", quarter="FY2026 Q3", channel="reseller").empty  # only set for Q4
    assert team_targets(rows, "sal", quarter="FY2026 Q4").to_dict() == {"east": 12}


def test_team_rows_stand_beside_user_rows_without_changing_them():
    rows = plan_rows(("ADR", "sal", "quarter", 10, None, None), ("team:ADR", "sal", "quarter", 99, None, None))
    # The role 'ADR' row still names the three ADRs; 'team:ADR' is the ADR team's own line, no one's target.
    assert target(user_targets(rows, people()), "sal", "quarter", quarter="FY2026 Q4").to_dict() == {
        user(1): 10, user(2): 10, user(3): 10}
    assert team_targets(rows, "sal", quarter="FY2026 Q4").to_dict() == {"adr": 99}


def test_team_lines_written_in_other_cases_are_one_teams_lines():
    rows = plan_rows(("team:SMB", "sal", "quarter", 10, None, "FY2026 Q4"),
                     ("team:smb", "sal", "quarter", 12, None, "FY2026 Q4"))
    # One team, whatever the case: the later of two equally dated rows wins.
    assert team_targets(rows, "sal", quarter="FY2026 Q4").to_dict() == {"smb": 12}
