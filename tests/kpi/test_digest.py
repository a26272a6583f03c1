from test_review import TUE, ann_org

from kpi import digest
from kpi.review import weekly_review
from kpi.summary import prepare


def test_the_markdown_digest_has_the_headline_changes_and_exceptions():
    text = digest.markdown(weekly_review(prepare(ann_org()), TUE), "pulled 5 minutes ago")
    lines = text.splitlines()
    assert lines[0] == "**Weekly review · whole sales floor · Tue 24 Nov 2026 (FY2026 Q4)**"
    assert "- Activities: 3 this week ▲ +2 vs 1" in lines
    assert "- Closed-won: $5.0k this week ▲ +$3.0k vs $2.0k" in lines
    assert "**Behind pace**" in lines and "**Wins of the week**" in lines
    assert lines[-1] == "_Data pulled 5 minutes ago._"


def test_names_never_render_as_html_or_markdown():
    review = weekly_review(prepare(ann_org(name="<b>Ann</b> *x*", deal_name="<script>alert(1)</script>")), TUE)
    page = digest.as_html(review, "now")
    assert "<b>Ann</b>" not in page and "&lt;b&gt;Ann&lt;/b&gt;" in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    chat = digest.markdown(review, "now")
    assert "<b>" not in chat and r"&lt;b&gt;Ann&lt;/b&gt; \*x\*" in chat
