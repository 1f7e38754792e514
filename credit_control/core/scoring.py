"""Credit score 0-100, band A-E, explanation and recommended limit.

Each **factor** gives a sub-score from 0 (worst) to 100 (best); the score is the
weighted average of the factors that have data, with the company's weights:

- ``days_late``: average days late; 0 days gives 100, 45 days or more gives 0 (linear);
- ``share_late``: 100 x (1 - 0.7 x share paid late - 0.3 x share paid > 30 days late);
- ``overdue``: 100 without overdue items, else 100 - 50 x (overdue / exposure)
  - 50 x min(1, days of the oldest overdue item / 90);
- ``returned``: 100 - 40 per returned payment (at least 0);
- ``report``: the latest business report's normalised score, 0 when the company is not
  active (liquidation, insolvency, ceased), minus 10 per negative event (at least 0).

The behaviour factors need a payment history (a settled or an open item); the report
factor needs a report: a customer without one is scored on behaviour alone. Then the
**trend** adjusts: -5 points when paying clearly later than before, +3 when clearly
earlier. Then the **highest dunning stage reached** in the window costs points: a formal
notice -5, a final notice -10, legal action or a collection agency -20 (reminders cost
nothing, the lateness factors already count them). Then **payment plans** ended in the
window: each broken plan costs 10 points (at most 20), each plan kept to the end adds
3 (at most 6), a sign of good faith. Without any factor the score is a neutral 50 (less
a dunning stage's points, plus or minus the plans').

Each factor's **effect** is the points it took away from (or added to) a perfect 100:
``weight / total weight x (sub-score - 100)``, so the effects add up to the score. When
the trend and the dunning stage push the sum below 0 (or above 100), the score is
**clipped** and the explanation says by how many points, so that the effects still add up.

The ``days_late`` line also says how late the **open** overdue items are (the average
only counts what was paid): ``open_amount`` and ``open_days`` in its values.

A customer whose latest business report says it is **in liquidation**, in an
**insolvency procedure** or **ceased**, or lists an insolvency event (bankruptcy,
liquidation, composition with creditors...), is **never better than band E**: the score
is capped at 34 and the explanation says why.

**Bands**: A from 80, B from 65, C from 50, D from 35, E below.

>>> from .behaviour import BehaviourFacts
>>> good = BehaviourFacts(average_days_late=0.0, share_late=0.0, share_late_30=0.0,
...                       settled_count=12, exposure=1000.0)
>>> result = score(good, None, DEFAULT_WEIGHTS)
>>> result.score, result.band
(100, 'A')
>>> [line.code for line in result.lines]
['days_late', 'share_late', 'overdue', 'returned', 'no_report']
>>> late = BehaviourFacts(average_days_late=20.0, share_late=0.6, share_late_30=0.2,
...                       settled_count=12, exposure=5000.0, overdue=2000.0,
...                       oldest_overdue_days=45, returned_count=1)
>>> result = score(late, {"score": 40.0, "legal_status": "active", "negative_events": 1},
...                DEFAULT_WEIGHTS)
>>> result.score, result.band
(49, 'D')
>>> round(sum(line.points for line in result.lines), 1)
-51.0
>>> score(BehaviourFacts(), None, DEFAULT_WEIGHTS).score
50
>>> good.dunning_stage = "formal_notice"
>>> result = score(good, None, DEFAULT_WEIGHTS)
>>> result.score, result.lines[-1]
(95, ExplanationLine(code='dunning', values={'stage': 'formal_notice'}, points=-5.0))

A customer who broke one payment plan and kept another (-10 + 3):

>>> planned = BehaviourFacts(average_days_late=0.0, share_late=0.0, share_late_30=0.0,
...                          settled_count=12, exposure=1000.0, broken_plans=1,
...                          completed_plans=1)
>>> result = score(planned, None, DEFAULT_WEIGHTS)
>>> result.score, result.lines[-1]
(93, ExplanationLine(code='payment_plans', values={'broken': 1, 'completed': 1}, points=-7.0))

Clipped: a customer with every factor at 0 (-100) who also reached legal action (-20)
scores 0, and the explanation gives back the 20 points below 0:

>>> worst = BehaviourFacts(average_days_late=60.0, share_late=1.0, share_late_30=1.0,
...                        settled_count=3, exposure=900.0, overdue=900.0,
...                        oldest_overdue_days=120, returned_count=3, dunning_stage="legal")
>>> result = score(worst, None, DEFAULT_WEIGHTS)
>>> result.score, result.lines[-1]
(0, ExplanationLine(code='clipped', values={'bound': 0}, points=20.0))
>>> 100 + sum(line.points for line in result.lines)
0.0

In liquidation: the perfect payer above (formal notice: -5) with a report of 80 in
liquidation loses the report factor (0 instead of 80: -25) and would score 70, band B;
the liquidation caps it at 34, band E (-36):

>>> result = score(good, {"score": 80.0, "legal_status": "liquidation", "negative_events": 0},
...                DEFAULT_WEIGHTS)
>>> result.score, result.band
(34, 'E')
>>> result.lines[-1]
ExplanationLine(code='insolvency', values={'status': 'liquidation', 'event': ''}, points=-36.0)
"""

from collections import namedtuple

from . import money

__all__ = [
    "DEFAULT_WEIGHTS",
    "ExplanationLine",
    "ScoreResult",
    "band",
    "insolvency_reason",
    "plan_effect",
    "recommended_limit",
    "score",
]

DEFAULT_WEIGHTS = {"days_late": 30, "share_late": 15, "overdue": 20, "returned": 10, "report": 25}
BANDS = (("A", 80), ("B", 65), ("C", 50), ("D", 35), ("E", 0))
NEUTRAL_SCORE = 50
DAYS_LATE_ZERO = 45
OVERDUE_DAYS_ZERO = 90
RETURNED_PENALTY = 40
NEGATIVE_EVENT_PENALTY = 10
TREND_WORSENING_POINTS = -5
TREND_IMPROVING_POINTS = 3
# points the highest dunning stage reached in the window takes away (reminders: none)
DUNNING_STAGE_POINTS = {
    "reminder": 0,
    "formal_notice": -5,
    "final_notice": -10,
    "legal": -20,
    "agency": -20,
}
ACTIVE_STATUSES = ("active", False, None, "")
# legal statuses, and words of a negative event, that keep a customer in band E
INSOLVENT_STATUSES = ("liquidation", "insolvency", "ceased")
INSOLVENCY_EVENT_WORDS = (
    "insolven",
    "bankrupt",
    "liquidation",
    "liquidazione",
    "fallimento",
    "fallita",
    "concordato",
    "procedura concorsuale",
    "amministrazione straordinaria",
    "receivership",
)
INSOLVENT_SCORE_CAP = 34  # the highest score of band E
# payment plans ended in the window: points per plan and the most they may count
PLAN_BROKEN_POINTS, PLAN_BROKEN_MOST = -10, -20
PLAN_COMPLETED_POINTS, PLAN_COMPLETED_MOST = 3, 6

# code, values for the sentence (see the model's templates), points (+ adds, - takes away)
ExplanationLine = namedtuple("ExplanationLine", "code values points")
ScoreResult = namedtuple("ScoreResult", "score band lines")


def band(value):
    """Band letter of a 0-100 score.

    >>> band(80), band(79), band(50), band(34)
    ('A', 'B', 'C', 'E')
    """
    for letter, lowest in BANDS:
        if value >= lowest:
            return letter
    return "E"


def _clip(value):
    return max(0.0, min(100.0, value))


def _behaviour_factors(facts):
    """(code, sub-score, values) of each behaviour factor that has data."""
    if not facts.settled_count and not facts.exposure and not facts.returned_count:
        return []
    factors = []
    if facts.average_days_late is not None:
        factors.append(
            (
                "days_late",
                _clip(100 - facts.average_days_late * 100 / DAYS_LATE_ZERO),
                {"days": round(facts.average_days_late, 1)},
            )
        )
    if facts.share_late is not None:
        factors.append(
            (
                "share_late",
                _clip(100 * (1 - 0.7 * facts.share_late - 0.3 * facts.share_late_30)),
                {
                    "share": round(facts.share_late * 100),
                    "share_30": round(facts.share_late_30 * 100),
                },
            )
        )
    overdue_score = 100.0
    if facts.overdue > 0 and facts.exposure > 0:
        overdue_score = _clip(
            100
            - 50 * min(1.0, facts.overdue / facts.exposure)
            - 50 * min(1.0, facts.oldest_overdue_days / OVERDUE_DAYS_ZERO)
        )
    factors.append(
        (
            "overdue",
            overdue_score,
            {"overdue": facts.overdue, "days": facts.oldest_overdue_days},
        )
    )
    factors.append(
        (
            "returned",
            _clip(100 - RETURNED_PENALTY * facts.returned_count),
            {"count": facts.returned_count},
        )
    )
    return factors


def _report_factor(report):
    status = report.get("legal_status")
    events = int(report.get("negative_events") or 0)
    if status not in ACTIVE_STATUSES:
        sub_score = 0.0
    else:
        sub_score = _clip(float(report.get("score") or 0) - NEGATIVE_EVENT_PENALTY * events)
    return (
        "report",
        sub_score,
        {"score": report.get("score"), "status": status or "active", "events": events},
    )


def insolvency_reason(report):
    """``(status, event)`` when the report says the customer is insolvent, else None.

    ``event`` is the first negative event that names an insolvency ('' for none).

    >>> insolvency_reason({"legal_status": "liquidation"})
    ('liquidation', '')
    >>> insolvency_reason({"legal_status": "active", "events": ["Protesto 2025",
    ...                    "Istanza di fallimento 03/2026"]})
    ('active', 'Istanza di fallimento 03/2026')
    >>> insolvency_reason({"legal_status": "active", "events": ["Protest 2025"]}) is None
    True
    """
    if not report:
        return None
    status = report.get("legal_status") or "active"
    event = next(
        (
            text
            for text in report.get("events") or []
            if any(word in text.lower() for word in INSOLVENCY_EVENT_WORDS)
        ),
        "",
    )
    if status in INSOLVENT_STATUSES or event:
        return status, event
    return None


def score(facts, report, weights):
    """Score, band and explanation lines of one customer.

    ``report`` is None or a dict with ``score`` (0-100, normalised), ``legal_status``,
    ``negative_events`` (a count) and optionally ``events`` (their texts); ``weights``
    maps factor codes to non-negative numbers.
    """
    factors = _behaviour_factors(facts)
    if report and report.get("score") is not None:
        factors.append(_report_factor(report))
    factors = [f for f in factors if weights.get(f[0], 0) > 0]
    total_weight = sum(weights[code] for code, _s, _v in factors)
    lines = []
    if not total_weight:
        value = float(NEUTRAL_SCORE)
        lines.append(ExplanationLine("no_data", {}, 0.0))
    else:
        value = 0.0
        for code, sub_score, values in factors:
            share = weights[code] / total_weight
            value += share * sub_score
            if code == "days_late" and facts.overdue > 0 and facts.open_days_late is not None:
                values = dict(
                    values, open_amount=facts.overdue, open_days=round(facts.open_days_late)
                )
            lines.append(ExplanationLine(code, values, round(share * (sub_score - 100), 1)))
    if total_weight and not any(code == "report" for code, _s, _v in factors):
        lines.append(ExplanationLine("no_report", {}, 0.0))
    trend_points = 0
    if facts.trend is not None and total_weight:
        if facts.trend >= 5:
            trend_points = TREND_WORSENING_POINTS
        elif facts.trend <= -5:
            trend_points = TREND_IMPROVING_POINTS
        if trend_points:
            lines.append(
                ExplanationLine("trend", {"days": round(facts.trend, 1)}, float(trend_points))
            )
    dunning_points = 0
    if facts.dunning_stage:
        dunning_points = DUNNING_STAGE_POINTS.get(facts.dunning_stage, 0)
        lines.append(
            ExplanationLine("dunning", {"stage": facts.dunning_stage}, float(dunning_points))
        )
    plan_points = plan_effect(facts.broken_plans, facts.completed_plans)
    if facts.broken_plans or facts.completed_plans:
        lines.append(
            ExplanationLine(
                "payment_plans",
                {"broken": facts.broken_plans, "completed": facts.completed_plans},
                float(plan_points),
            )
        )
    total = value + trend_points + dunning_points + plan_points
    if total_weight and not 0 <= total <= 100:
        bound = 0 if total < 0 else 100
        lines.append(ExplanationLine("clipped", {"bound": bound}, round(bound - total, 1)))
    final = int(money.round_money(_clip(total), 0))
    insolvent = insolvency_reason(report)
    if insolvent and final > INSOLVENT_SCORE_CAP:
        status, event = insolvent
        lines.append(
            ExplanationLine(
                "insolvency",
                {"status": status, "event": event},
                float(INSOLVENT_SCORE_CAP - final),
            )
        )
        final = INSOLVENT_SCORE_CAP
    return ScoreResult(final, band(final), lines)


def plan_effect(broken, completed):
    """Points of the payment plans broken and kept to the end in the window.

    >>> plan_effect(0, 0), plan_effect(1, 0), plan_effect(3, 0), plan_effect(0, 5)
    (0, -10, -20, 6)
    >>> plan_effect(2, 1)
    -17
    """
    broken_points = max(PLAN_BROKEN_MOST, PLAN_BROKEN_POINTS * (broken or 0))
    completed_points = min(PLAN_COMPLETED_MOST, PLAN_COMPLETED_POINTS * (completed or 0))
    return broken_points + completed_points


# Months of average invoicing a customer of each band may owe, and the share of a
# bureau's recommended limit we accept for that band.
LIMIT_MONTHS = {"A": 3, "B": 2, "C": 1.5, "D": 1, "E": 0}
REPORT_LIMIT_SHARE = {"A": 1.0, "B": 1.0, "C": 0.8, "D": 0.5, "E": 0.0}
LIMIT_ROUNDING = 100


def recommended_limit(band_letter, monthly_invoiced, report_limit=None):
    """Recommended credit limit, rounded down to hundreds.

    With a bureau's recommended limit: that limit times the band's share; without one:
    the average monthly invoicing times the band's months.

    >>> recommended_limit("A", 10000.0)
    30000
    >>> recommended_limit("C", 10000.0, report_limit=50000.0)
    40000
    >>> recommended_limit("E", 10000.0, report_limit=50000.0)
    0
    >>> recommended_limit("B", 1234.0)
    2400
    """
    if report_limit:
        amount = report_limit * REPORT_LIMIT_SHARE[band_letter]
    else:
        amount = (monthly_invoiced or 0.0) * LIMIT_MONTHS[band_letter]
    return int(amount // LIMIT_ROUNDING * LIMIT_ROUNDING)
