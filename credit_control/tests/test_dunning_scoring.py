from datetime import timedelta

from odoo.tests import tagged

from ..core import behaviour
from ..models.credit_dunning_level import STAGES
from .test_dunning import TestDunningCommon


@tagged("post_install", "-at_install")
class TestDunningScoring(TestDunningCommon):
    """Where customer scoring and dunning meet: the dunning stage reached weighs in the
    score, and the computed band chooses the dunning policy."""

    def _paid_on_time(self, partner, count=10, amount=1000):
        """``count`` invoices of the last months, each paid on its due date."""
        self._credit_history(
            partner,
            [(amount, self.today - timedelta(days=60 + 30 * month), 0) for month in range(count)],
        )

    def test_formal_notice_sent_costs_points_and_marks_the_profile(self):
        dunned = self._customer("Dunned Srl")
        twin = self._customer("Twin Srl", credit_dunning_pause_until=self.today + timedelta(days=5))
        invoices = {}
        for partner in dunned | twin:
            self._paid_on_time(partner)
            invoices[partner] = self._late_invoice(partner, 100, 50)
        run = self._run()
        letter = self._letter_of(run, dunned)
        self.assertEqual(letter.stage, "formal_notice")
        self.assertFalse(self._letter_of(run, twin), "the twin is paused: no letter")
        (dunned | twin).credit_update_scores()
        self.assertFalse(dunned.credit_dunning_stage_reached, "a letter to review was not sent")

        self._send(letter)
        self.assertEqual(letter.state, "sent")
        # both pay the late invoice today: the same ledger, only the letter differs
        for partner in dunned | twin:
            self._credit_pay(invoices[partner], self.today)
        (dunned | twin).credit_update_scores()

        self.assertFalse(twin.credit_dunning_stage_reached)
        self.assertEqual(twin.credit_profile, "reliable")
        self.assertEqual(dunned.credit_dunning_stage_reached, "formal_notice")
        self.assertEqual(
            dunned.credit_profile, "sometimes_late", "a formal notice is no reliable payer"
        )
        self.assertEqual(dunned.credit_score, twin.credit_score - 5)
        self.assertIn("highest dunning stage reached: Formal Notice", dunned.credit_explanation)
        self.assertIn("Formal Notice: took away 5.0 points", dunned.credit_explanation)
        self.assertNotIn("dunning", twin.credit_explanation)

        # a letter dated before the scoring window no longer counts
        letter.sudo().date = self.today - timedelta(days=366 * 3)
        dunned.credit_update_scores()
        self.assertFalse(dunned.credit_dunning_stage_reached)
        self.assertEqual(dunned.credit_score, twin.credit_score)

    def test_stage_field_is_on_the_credit_tab_and_matches_the_core(self):
        self.assertEqual(tuple(key for key, _label in STAGES), behaviour.DUNNING_STAGES)
        arch = self.env["res.partner"].get_view(self.env.ref("base.view_partner_form").id, "form")[
            "arch"
        ]
        self.assertIn('name="credit_dunning_stage_reached"', arch)

    def test_all_customers_rescore_finds_the_dunned_one(self):
        partner = self._customer("Everyone Srl")
        self._late_invoice(partner, 500, 80)
        letter = self._letter_of(self._run(), partner)
        self.assertEqual(letter.stage, "final_notice")
        self._send(letter)
        self.env["res.partner"].credit_update_scores()
        self.assertEqual(partner.credit_dunning_stage_reached, "final_notice")
        self.assertIn("Final Notice: took away 10.0 points", partner.credit_explanation)

    def test_band_computed_by_scoring_chooses_the_band_policy(self):
        strict = self.policy.copy({"name": "Strict for bands D and E", "credit_bands": "de"})
        bad = self._customer("Bad Payer Srl")
        self._credit_history(
            bad,
            [(1000, self.today - timedelta(days=200 + 30 * month), 60) for month in range(4)],
        )
        self._late_invoice(bad, 800, 100)
        good = self._customer("Good Payer Srl")
        self._paid_on_time(good)
        self._late_invoice(good, 300, 12)

        (bad | good).credit_update_scores()
        self.assertEqual(bad.credit_band, "E")
        self.assertEqual(good.credit_band, "A")
        self.assertEqual(
            (bad | good)._credit_dunning_policies(self.company),
            {bad.id: strict, good.id: self.policy},
        )
        run = self._run()
        bad_letter = self._letter_of(run, bad)
        good_letter = self._letter_of(run, good)
        self.assertEqual(bad_letter.policy_id, strict)
        self.assertEqual(bad_letter.level_id.policy_id, strict)
        self.assertEqual(bad_letter.stage, "final_notice")
        self.assertEqual(good_letter.policy_id, self.policy)
        self.assertEqual(good_letter.level_id, self.first)

        # the customer pays his debts and is rescored in band A: back to the default policy
        bad.sudo().credit_band = "A"  # as the scoring writes it
        self.assertEqual(bad._credit_dunning_policies(self.company), {bad.id: self.policy})
