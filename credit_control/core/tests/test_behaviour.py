from datetime import date
from datetime import timedelta

from core import behaviour
from core import scoring
from core.behaviour import LineFacts
from core.behaviour import Settlement

TODAY = date(2026, 6, 1)
DUE = date(2026, 1, 31)


def paid(amount, days_late, due=DUE):
    return LineFacts(due, amount, 0.0, [Settlement(due + timedelta(days=days_late), amount)])


def test_three_invoices_paid_0_10_50_days_late_average_20():
    facts = behaviour.summarise([paid(1000, 0), paid(1000, 10), paid(1000, 50)], TODAY)
    assert facts.average_days_late == 20.0
    assert facts.worst_delay == 50
    assert facts.share_late == 2 / 3
    assert facts.share_late_30 == 1 / 3


def test_average_is_weighted_by_amount():
    facts = behaviour.summarise([paid(3000, 0), paid(1000, 40)], TODAY)
    assert facts.average_days_late == 10.0


def test_early_payment_counts_as_zero_not_negative():
    facts = behaviour.summarise([paid(1000, -10), paid(1000, 10)], TODAY)
    assert facts.average_days_late == 5.0


def test_partially_paid_line_counts_its_paid_part_but_is_not_settled():
    line = LineFacts(DUE, 1000.0, 400.0, [Settlement(DUE + timedelta(days=20), 600.0)])
    facts = behaviour.summarise([line], TODAY)
    assert facts.average_days_late == 20.0
    assert facts.settled_count == 0
    assert facts.share_late is None
    assert facts.exposure == 400.0
    assert facts.overdue == 400.0


def test_trend_compares_last_3_months_with_the_12_before():
    old = paid(1000, 0, due=date(2025, 6, 1))
    recent = paid(1000, 30, due=date(2026, 4, 1))
    facts = behaviour.summarise([old, recent], TODAY)
    assert facts.trend == 30.0
    assert behaviour.trend_label(facts.trend) == "worsening"


def test_not_yet_due_is_exposure_not_overdue():
    facts = behaviour.summarise([LineFacts(date(2026, 7, 1), 500.0, 500.0, [])], TODAY)
    assert (facts.exposure, facts.overdue) == (500.0, 0.0)
    assert behaviour.profile(facts) == "reliable"


def test_profiles_order_scores():
    reliable = behaviour.summarise([paid(1000, 0)] * 10, TODAY)
    sometimes = behaviour.summarise([paid(1000, 0)] * 7 + [paid(1000, 12)] * 3, TODAY)
    habitual = behaviour.summarise([paid(1000, 25)] * 8 + [paid(1000, 0)] * 2, TODAY)
    defaulting = behaviour.summarise(
        [paid(1000, 40)] * 5 + [LineFacts(date(2026, 1, 1), 3000.0, 3000.0, [])],
        TODAY,
        returned_count=2,
    )
    facts = [reliable, sometimes, habitual, defaulting]
    assert [behaviour.profile(f) for f in facts] == [
        "reliable",
        "sometimes_late",
        "habitually_late",
        "defaulting",
    ]
    scores = [scoring.score(f, None, scoring.DEFAULT_WEIGHTS).score for f in facts]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == 4
    bands = [scoring.score(f, None, scoring.DEFAULT_WEIGHTS).band for f in facts]
    assert bands[0] == "A" and bands[-1] == "E"


def test_report_weighs_in_and_insolvency_zeroes_it():
    facts = behaviour.summarise([paid(1000, 0)] * 5, TODAY)
    weights = scoring.DEFAULT_WEIGHTS
    alone = scoring.score(facts, None, weights)
    insolvent = scoring.score(facts, {"score": 90, "legal_status": "insolvency"}, weights)
    assert alone.score == 100
    assert "no_report" in [line.code for line in alone.lines]
    # the report factor drops to 0 (-25 points: 75), then insolvency caps it at 34 (-41)
    assert insolvent.score == 34
    assert insolvent.band == "E"
    assert [line.points for line in insolvent.lines if line.code == "report"] == [-25.0]
    assert [line.points for line in insolvent.lines if line.code == "insolvency"] == [-41.0]


def test_insolvency_event_caps_an_active_company_at_band_e():
    facts = behaviour.summarise([paid(1000, 0)] * 5, TODAY)
    report = {
        "score": 90,
        "legal_status": "active",
        "negative_events": 1,
        "events": ["Concordato preventivo 2026"],
    }
    result = scoring.score(facts, report, scoring.DEFAULT_WEIGHTS)
    # 75 x 100 + 25 x (90 - 10 for the event) = 95, capped at 34: -61
    assert (result.score, result.band) == (34, "E")
    assert result.lines[-1] == scoring.ExplanationLine(
        "insolvency", {"status": "active", "event": "Concordato preventivo 2026"}, -61.0
    )


def test_clipped_score_says_so_and_effects_add_up():
    facts = behaviour.BehaviourFacts(
        average_days_late=0.0,
        share_late=0.0,
        share_late_30=0.0,
        settled_count=4,
        exposure=100.0,
        trend=-10.0,
    )
    result = scoring.score(facts, None, scoring.DEFAULT_WEIGHTS)
    # every factor perfect (100) + 3 for an improving trend = 103, clipped to 100
    assert result.score == 100
    assert result.lines[-1] == scoring.ExplanationLine("clipped", {"bound": 100}, -3.0)
    assert 100 + sum(line.points for line in result.lines) == 100


def test_days_late_line_says_how_late_the_open_items_are():
    on_time = paid(1000, 0)
    open_item = behaviour.LineFacts(TODAY - timedelta(days=289), 2000.0, 2000.0, [])
    facts = behaviour.summarise([on_time, open_item], TODAY)
    line = scoring.score(facts, None, scoring.DEFAULT_WEIGHTS).lines[0]
    assert line.code == "days_late"
    assert line.values == {"days": 0.0, "open_amount": 2000.0, "open_days": 289}


def test_highest_dunning_stage_is_the_letter_with_most_days():
    letters = [(10, "reminder"), (60, "formal_notice"), (30, "reminder")]
    assert behaviour.highest_dunning_stage(letters) == "formal_notice"
    # the level's days decide, not the stage's name: a late reminder beats an early notice
    assert behaviour.highest_dunning_stage([(90, "reminder"), (40, "final_notice")]) == "reminder"
    assert behaviour.highest_dunning_stage([]) is None


def test_dunning_stage_is_evidence_for_the_profile():
    reliable = {"settled_count": 10, "share_late": 0.0, "average_days_late": 0.0}
    facts = behaviour.BehaviourFacts(**reliable, dunning_stage="reminder")
    assert behaviour.profile(facts) == "reliable"
    for stage in ("formal_notice", "final_notice"):
        facts = behaviour.BehaviourFacts(**reliable, dunning_stage=stage)
        assert behaviour.profile(facts) == "sometimes_late"
    for stage in ("legal", "agency"):
        facts = behaviour.BehaviourFacts(**reliable, dunning_stage=stage)
        assert behaviour.profile(facts) == "defaulting"
    habitual = behaviour.BehaviourFacts(
        settled_count=10, share_late=0.8, average_days_late=25.0, dunning_stage="formal_notice"
    )
    assert behaviour.profile(habitual) == "habitually_late"


def test_formal_notice_or_worse_costs_points_and_is_explained():
    def scored(stage):
        facts = behaviour.BehaviourFacts(
            settled_count=10,
            share_late=0.0,
            share_late_30=0.0,
            average_days_late=0.0,
            exposure=1000.0,
            dunning_stage=stage,
        )
        return scoring.score(facts, None, scoring.DEFAULT_WEIGHTS)

    assert scored(None).score == 100
    assert "dunning" not in [line.code for line in scored(None).lines]
    reminder = scored("reminder")
    assert reminder.score == 100
    assert reminder.lines[-1] == scoring.ExplanationLine("dunning", {"stage": "reminder"}, 0.0)
    assert scored("formal_notice").score == 95
    assert scored("final_notice").score == 90
    assert scored("legal").score == 80
    assert scored("agency").lines[-1].points == -20.0
    assert sum(line.points for line in scored("final_notice").lines) == -10.0
