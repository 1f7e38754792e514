"""The daily credit digest: what changed since the last one, in sections.

The model gathers plain data (dicts of numbers, dates and names) with a few grouped
queries per company; this module decides what goes into the e-mail and in which order.
Nothing new: no digest (``None``), hence no e-mail. The largest exposures are context,
not news: alone they send nothing.

A small day: two customers newly overdue, a rejected e-invoice with 3 days left, a band
that fell from B to D and one that rose from D to C:

>>> from datetime import date
>>> news = {
...     "overdue": [
...         {"partner": "Bianchi", "amount": 1200.0, "count": 2, "oldest_due": date(2026, 11, 29)},
...         {"partner": "Verdi", "amount": 300.0, "count": 1, "oldest_due": date(2026, 11, 30)},
...     ],
...     "rejections": [{"id": 7, "name": "INV/2026/0007", "partner": "Neri",
...                     "deadline": date(2026, 12, 4)}],
...     "band_changes": [
...         {"partner": "Rossi", "old": "B", "new": "D"},
...         {"partner": "Gialli", "old": "D", "new": "C"},
...     ],
... }
>>> exposures = [{"partner": "Bianchi", "amount": 52000.0}]
>>> digest = build_digest(news, exposures, today=date(2026, 12, 1))
>>> [section["key"] for section in digest["sections"]]
['overdue', 'rejections', 'bands_down', 'bands_up', 'exposures']
>>> digest["news_count"]
5
>>> overdue = digest["sections"][0]
>>> overdue["total"], overdue["count"], overdue["more"]
(1500.0, 3, 0)
>>> digest["sections"][1]["items"][0]["days_left"]
3
>>> digest["sections"][2]["items"]
[{'partner': 'Rossi', 'old': 'B', 'new': 'D', 'steps': 2}]

A quiet day sends nothing, even with exposures to show:

>>> build_digest({"overdue": [], "band_changes": []}, exposures, today=date(2026, 12, 1)) is None
True

Long sections keep their first ``limit`` items (largest first) and say how many more:

>>> many = [{"partner": f"P{i}", "amount": float(i), "count": 1} for i in range(1, 13)]
>>> section = build_digest({"overdue": many}, today=date(2026, 12, 1), limit=10)["sections"][0]
>>> [item["partner"] for item in section["items"]][:3], section["more"], section["total"]
(['P12', 'P11', 'P10'], 2, 78.0)
"""

from datetime import date as _date

#: bands from best to worst
BANDS = ("A", "B", "C", "D", "E")

#: the sections in the order of the e-mail; (key, what sorts its items, largest first)
SECTION_ORDER = (
    "overdue",
    "rejections",
    "letters_review",
    "letters_error",
    "plans_broken",
    "plans_at_risk",
    "cases",
    "reports_failed",
    "reports_stale",
    "bands_down",
    "bands_up",
)
#: how each section's items are sorted (most urgent first)
SORT_KEYS = {
    "overdue": lambda item: (-(item.get("amount") or 0.0), item.get("partner") or ""),
    "rejections": lambda item: (item.get("days_left", 0), item.get("name") or ""),
    "letters_review": lambda item: (-(item.get("amount") or 0.0), item.get("partner") or ""),
    "letters_error": lambda item: (-(item.get("amount") or 0.0), item.get("partner") or ""),
    "plans_broken": lambda item: (-(item.get("amount") or 0.0), item.get("partner") or ""),
    "plans_at_risk": lambda item: (-(item.get("amount") or 0.0), item.get("partner") or ""),
    "cases": lambda item: (-(item.get("amount") or 0.0), item.get("partner") or ""),
    "reports_failed": lambda item: item.get("partner") or "",
    "reports_stale": lambda item: (-(item.get("exposure") or 0.0), item.get("partner") or ""),
    "bands_down": lambda item: (-item["steps"], BANDS.index(item["new"]), item["partner"]),
    "bands_up": lambda item: (-item["steps"], item["partner"]),
}
#: sections whose items carry an amount worth a total
TOTALLED = ("overdue", "letters_review", "letters_error", "plans_broken", "plans_at_risk", "cases")


def band_change(old, new):
    """``("down", steps)`` when ``new`` is a worse band than ``old``, ``("up", steps)``
    when better, ``None`` when equal or unknown (a first score is no change).

    >>> band_change("B", "D"), band_change("E", "C"), band_change("C", "C")
    (('down', 2), ('up', 2), None)
    >>> band_change(None, "A") is None
    True
    """
    if old not in BANDS or new not in BANDS or old == new:
        return None
    steps = BANDS.index(new) - BANDS.index(old)
    return ("down", steps) if steps > 0 else ("up", -steps)


def days_left(deadline, today):
    """Days from ``today`` to ``deadline`` (negative once it passed).

    >>> today = _date(2026, 12, 1)
    >>> days_left(_date(2026, 12, 4), today), days_left(_date(2026, 11, 30), today)
    (3, -1)
    """
    return (deadline - today).days


def trend_percent(now, before):
    """Change from ``before`` to ``now`` in percent, one decimal; ``None`` without a base.

    >>> trend_percent(110.0, 100.0), trend_percent(75.0, 100.0), trend_percent(5.0, 0.0)
    (10.0, -25.0, None)
    """
    if not before:
        return None
    return round((now - before) * 100.0 / before, 1)


def _section(key, items, limit):
    ordered = sorted(items, key=SORT_KEYS[key])
    section = {
        "key": key,
        "count": sum(item.get("count", 1) for item in ordered),
        "items": ordered[:limit],
        "more": max(len(ordered) - limit, 0),
    }
    if key in TOTALLED:
        section["total"] = round(sum(item.get("amount") or 0.0 for item in ordered), 2)
    return section


def build_digest(news, exposures=(), today=None, limit=10):
    """The digest's sections from ``news`` (``{section key: [item dicts]}``, band changes
    as ``"band_changes": [{"partner", "old", "new"}]``), or ``None`` when nothing is new.

    ``exposures`` (the largest open amounts) close the digest as context. Rejections get
    their ``days_left`` to the deadline from ``today``.
    """
    today = today or _date.today()
    news = dict(news)
    downs, ups = [], []
    for change in news.pop("band_changes", ()):
        direction = band_change(change.get("old"), change.get("new"))
        if direction:
            kind, steps = direction
            (downs if kind == "down" else ups).append({**change, "steps": steps})
    news["bands_down"], news["bands_up"] = downs, ups
    news["rejections"] = [
        {**item, "days_left": days_left(item["deadline"], today)} if item.get("deadline") else item
        for item in news.get("rejections", ())
    ]
    sections = [_section(key, news[key], limit) for key in SECTION_ORDER if news.get(key)]
    if not sections:
        return None
    news_count = sum(len(news[key]) for key in SECTION_ORDER if news.get(key))
    if exposures:
        ordered = sorted(exposures, key=lambda item: (-item["amount"], item["partner"]))
        sections.append(
            {"key": "exposures", "count": len(ordered), "items": ordered[:limit], "more": 0}
        )
    return {"sections": sections, "news_count": news_count}
