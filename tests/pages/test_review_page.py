"""The Weekly review page on the sample org, in AppTest: sections in a fixed order, moved through with buttons."""

from test_team import expected, facts, scorecard, shown  # noqa: F401 - `facts` is a fixture


def test_the_review_moves_through_its_sections_in_order(app, facts):  # noqa: F811
    reps, team = scorecard(facts, "SMB")
    at = app("pages/review.py", team="SMB")
    order = ["Team headline", "This week vs last week", "Who hit their goals", "Wins of the week", "Risks",
             *reps["Name"]]
    assert at.selectbox(key="review_section").options == order
    assert shown(at) == expected(team, "revenue_qtd", "attainment", "pace", "projection", "forecast_p50",
                                 "forecast_p_quota")
    titles = []
    for _ in order:
        titles.append(at.title[0].value.rsplit(" · ", 1)[1])
        assert not at.exception
        at.button(key="review_next").click().run()
    assert titles == order  # and Next on the last section stays there
    assert at.title[0].value.endswith(order[-1])
    at.button(key="review_previous").click().run()
    assert at.title[0].value.endswith(order[-2])
