import pandas as pd

from factories import table, user, uid
from kpi.people import IS_MANAGER, IS_REP, ROLE, TEAM, TIME_ZONE, mark_reps, reps, roster, teams


def users() -> pd.DataFrame:
    return table(
        "users",
        {"Id": user(1), "Name": "Mia Manager", "IsActive": True, "Department": "ADR", "UserRoleId": uid("00E", 1)},
        {"Id": user(2), "Name": "Ann Adr", "IsActive": True, "Department": "ADR", "ManagerId": user(1),
         "UserRoleId": uid("00E", 2), "TimeZoneSidKey": "America/Los_Angeles"},
        {"Id": user(3), "Name": "Bo Nodept", "IsActive": True, "ManagerId": user(1), "TimeZoneSidKey": "Mars/Base"},
        {"Id": user(4), "Name": "Cy Gone", "IsActive": False, "Department": "ADR", "ManagerId": user(1)},
        {"Id": user(5), "Name": "Automated Process", "IsActive": True, "UserType": "AutomatedProcess"},
        {"Id": user(6), "Name": "Di Idle", "IsActive": True, "Department": "ADR", "ManagerId": user(1)},
    )


ROLES = table("user_roles", {"Id": uid("00E", 1), "Name": "ADR Manager"}, {"Id": uid("00E", 2), "Name": "ADR"})


def test_reps_are_active_humans_who_own_something_and_are_not_managers():
    # Everyone but Di owns records (or has a quota or goal of their own); Di owns nothing.
    people = mark_reps(roster(users(), ROLES), pd.Index([user(n) for n in (1, 2, 3, 4, 5)]))
    assert list(reps(people).index) == [user(2), user(3)]  # ordered by name: Ann, Bo
    assert people.set_index("Id").loc[user(1), IS_MANAGER]  # Mia: others report to her
    assert not people.set_index("Id")[IS_REP][[user(1), user(4), user(5), user(6)]].any()


def test_team_is_department_else_manager_name_and_roles_come_from_userrole():
    people = roster(users(), ROLES).set_index("Id")
    assert people.loc[user(2), TEAM] == "ADR"
    assert people.loc[user(3), TEAM] == "Mia Manager"  # no Department: the manager's name
    assert people.loc[user(2), ROLE] == "ADR"
    assert people.loc[user(2), TIME_ZONE] == "America/Los_Angeles"
    assert people.loc[user(3), TIME_ZONE] == "UTC"  # an unknown zone falls back to the default


def test_role_is_title_when_no_userrole_is_given():
    people = roster(table("users", {"Id": user(1), "Name": "A", "IsActive": True, "Title": "SDR"}),
                    table("user_roles")).set_index("Id")
    assert people.loc[user(1), ROLE] == "SDR"


def test_teams_list_only_teams_with_reps():
    people = mark_reps(roster(users(), ROLES), pd.Index([user(2), user(3)]))
    assert teams(people) == ["ADR", "Mia Manager"]
    assert list(reps(people, "ADR").index) == [user(2)]


def test_users_created_after_the_as_of_day_are_not_yet_reps():
    frame = table("users", {"Id": user(1), "Name": "Old Hand", "IsActive": True, "CreatedDate": "2025-01-01T12:00:00Z"},
                  # 03:00 UTC on 13 October is still the 12th in Los Angeles: she exists at the end of the 12th.
                  {"Id": user(2), "Name": "New Hire", "IsActive": True, "TimeZoneSidKey": "America/Los_Angeles",
                   "CreatedDate": "2026-10-13T03:00:00Z"})
    people = mark_reps(roster(frame, table("user_roles")), pd.Index([user(1), user(2)]))
    assert list(reps(people, as_of=pd.Timestamp("2026-10-11")).index) == [user(1)]
    assert list(reps(people, as_of=pd.Timestamp("2026-10-12")).index) == [user(2), user(1)]  # by name: New, Old
    assert len(reps(people)) == 2  # no as-of: everyone
