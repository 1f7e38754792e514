"""The digest's sections: what is news, in which order, what is cut."""

from datetime import date

from core import digest

TODAY = date(2026, 12, 1)


def test_nothing_new_is_no_digest():
    assert digest.build_digest({}, today=TODAY) is None
    assert digest.build_digest({key: [] for key in digest.SECTION_ORDER}, today=TODAY) is None


def test_a_first_score_or_an_unchanged_band_is_no_news():
    news = {"band_changes": [{"partner": "New", "old": None, "new": "C"}]}
    news["band_changes"].append({"partner": "Same", "old": "B", "new": "B"})
    assert digest.build_digest(news, [{"partner": "X", "amount": 1.0}], today=TODAY) is None


def test_sections_follow_the_order_of_the_mail_whatever_the_input_order():
    news = {
        "bands_up": [],
        "cases": [{"name": "CC/1", "partner": "R", "amount": 5000.0}],
        "overdue": [{"partner": "B", "amount": 10.0, "count": 1}],
    }
    result = digest.build_digest(news, today=TODAY)
    assert [s["key"] for s in result["sections"]] == ["overdue", "cases"]
    assert result["news_count"] == 2


def test_rejections_most_urgent_first_with_passed_deadlines_negative():
    news = {
        "rejections": [
            {"id": 1, "name": "INV/1", "deadline": date(2026, 12, 5)},
            {"id": 2, "name": "INV/2", "deadline": date(2026, 11, 29)},
        ]
    }
    items = digest.build_digest(news, today=TODAY)["sections"][0]["items"]
    assert [(i["name"], i["days_left"]) for i in items] == [("INV/2", -2), ("INV/1", 4)]


def test_the_worst_band_falls_first():
    news = {
        "band_changes": [
            {"partner": "One step", "old": "B", "new": "C"},
            {"partner": "Three steps", "old": "A", "new": "D"},
        ]
    }
    section = digest.build_digest(news, today=TODAY)["sections"][0]
    assert section["key"] == "bands_down"
    assert [i["partner"] for i in section["items"]] == ["Three steps", "One step"]


def test_totals_are_rounded_to_cents():
    news = {"overdue": [{"partner": p, "amount": 0.1, "count": 1} for p in "ABC"]}
    assert digest.build_digest(news, today=TODAY)["sections"][0]["total"] == 0.3
