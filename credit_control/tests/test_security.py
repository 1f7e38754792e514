from odoo.tests import TransactionCase
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestSecurityPattern(TransactionCase):
    """Every model of the add-on follows the security pattern: access rules for the
    credit groups, and a multi-company record rule when it has a company."""

    def _own_models(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", "credit_control"), ("model", "=", "ir.model")]
        )
        models = self.env["ir.model"].browse(data.mapped("res_id"))
        # the models this add-on defines (it also extends Odoo's own, e.g. account.move)
        return models.filtered(
            lambda model: (
                model.model.startswith("credit.")
                and not self.env[model.model]._abstract
                and not self.env[model.model]._transient
            )
        )

    def test_every_model_has_access_rules(self):
        for model in self._own_models():
            with self.subTest(model=model.model):
                self.assertTrue(model.access_ids, f"{model.model} has no access rule")

    def test_every_company_model_has_a_multi_company_rule(self):
        for model in self._own_models():
            if "company_id" not in self.env[model.model]._fields:
                continue
            with self.subTest(model=model.model):
                rules = model.rule_ids.filtered(
                    lambda rule: "company_ids" in (rule.domain_force or "")
                )
                self.assertTrue(rules, f"{model.model} has no multi-company record rule")

    def test_model_names_do_not_clash_with_oca_credit_modules(self):
        # OCA account_credit_control and account_financial_risk run beside this add-on
        oca_prefixes = ("credit.control.", "account.financial.risk")
        for model in self._own_models():
            with self.subTest(model=model.model):
                self.assertFalse(model.model.startswith(oca_prefixes))
