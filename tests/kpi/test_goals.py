import pandas as pd

from factories import table, user
from kpi.goals import named_users, target, user_targets
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
    weekly = target(targets, "sal", "week")
    # Rep 1: Id row (8) beats role (5) and '*' (3); reps 2 and 3: role (5); the AE: only '*' (3).
    assert weekly.to_dict() == {user(1): 8, user(2): 5, user(3): 5, user(4): 3}
    # Rep 1's weekly Id row does not hide the monthly role row; nobody else has monthly goals but ADRs.
    assert target(targets, "sal", "month").to_dict() == {user(1): 20, user(2): 20, user(3): 20}
    # Email matches without regard to case and beats the role row (also matched without case).
    assert target(targets, "calls", "day").to_dict() == {user(1): 45, user(2): 30, user(3): 30}


def test_no_row_means_no_target_and_goals_are_never_converted():
    targets = user_targets(goals(("ADR", "sql", "week", 2)), people())
    assert target(targets, "sql", "month").empty  # a weekly goal is not turned into a monthly one
    assert user(4) not in target(targets, "sql", "week").index  # the AE has no SQL goal at all


def test_equally_specific_rows_the_later_wins_and_15_char_ids_match():
    rows = goals(("ADR", "sal", "week", 4), ("ADR", "sal", "week", 6), (user(2)[:15], "sal", "week", 9))
    assert target(user_targets(rows, people()), "sal", "week").to_dict() == {
        user(1): 6, user(2): 9, user(3): 6}


def test_a_star_row_alone_names_nobody():
    assert list(named_users(goals(("*", "calls", "day", 20)), people())) == []
    assert sorted(named_users(goals(("Mid-Market AE", "revenue", "quarter", 1)), people())) == [user(4)]


def test_users_without_email_are_not_matched_by_rows_without_email():
    # A role row and a missing email must not pair up as if the row named the user by email.
    nobody_has_email = people().assign(Email=None)
    targets = user_targets(goals(("ADR", "calls", "day", 30), (user(2), "calls", "day", 40)), nobody_has_email)
    assert target(targets, "calls", "day").to_dict() == {user(1): 30, user(2): 40, user(3): 30}
