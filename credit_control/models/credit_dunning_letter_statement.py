"""Interest statements ("nota interessi di mora"): interest on invoices paid late.

An invoice paid after its due date owes late-payment interest for the days of delay
even when no letter chased it. A statement lists such invoices paid in a period and
never claimed (no letter with interest, no other statement): the days, rate and
interest of each, and the EUR 40 where due (not for consumers, not when already
claimed by a sent letter or waived). It is a letter of kind ``interest_statement``:
reviewed, printed and sent like the others, and optionally invoiced once.
"""

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from ..core import dates
from ..core import interest as interest_core
from ..core import money
from .credit_dunning_letter import _format_interest


class CreditDunningLetter(models.Model):
    _inherit = "credit.dunning.letter"

    @api.model
    def _credit_propose_interest_statements(self, company, on_date, partners=None, run=None):
        """Draft statements on ``on_date``, one per customer and currency, for invoices
        paid late in the period of the customer's policy and never claimed.

        ``partners`` (commercial): these customers, whatever their policy says (the
        button on the customer); without: every customer whose policy proposes
        statements (the dunning run).
        """
        Policy = self.env["credit.dunning.policy"]
        company_policies = Policy.search([("company_id", "=", company.id)])
        if partners is None and not company_policies.filtered("interest_statement"):
            return self.browse()
        months = max(company_policies.mapped("interest_statement_months") or [12]) or 12
        rows = self._credit_paid_late_items(company, partners, on_date, months)
        partners = self.env["res.partner"].browse({row["commercial_partner_id"] for row in rows})
        policies = partners._credit_dunning_policies(company)
        rows = [
            row
            for row in rows
            if policies[row["commercial_partner_id"]]
            and (run is None or policies[row["commercial_partner_id"]].interest_statement)
            and row["paid_on"]
            >= dates.add_months(
                on_date, -(policies[row["commercial_partner_id"]].interest_statement_months or 12)
            )
        ]
        if not rows:
            return self.browse()
        context = self._credit_charges_context([row["id"] for row in rows], partners)
        compensated = self._credit_compensation_claims([row["id"] for row in rows])
        groups = {}
        for row in rows:
            groups.setdefault((row["commercial_partner_id"], row["currency_id"]), []).append(row)
        currencies = self.env["res.currency"].browse({currency for _p, currency in groups})
        digits = {currency.id: currency.decimal_places for currency in currencies}
        tolerance = company.credit_dunning_tolerance
        letters = self.browse()
        for (partner_id, currency_id), items in groups.items():
            policy = policies[partner_id]
            values = self._credit_statement_values(
                policy,
                partner_id,
                currency_id,
                items,
                on_date,
                digits[currency_id],
                compensated,
                context,
            )
            if values is None:
                continue
            total = values["interest_amount"] + values["compensation_amount"]
            if values.get("state") != "error" and total < tolerance:
                continue
            letters |= self.create(
                {**values, "company_id": company.id, "run_id": run.id if run else False}
            )
        return letters

    @api.model
    def _credit_statement_values(
        self, policy, partner_id, currency_id, items, on_date, digits, compensated, context
    ):
        letter = {
            "date": on_date,
            "company_id": policy.company_id.id,
            "currency_id": currency_id,
            "partner_id": partner_id,
            "debtor_type": context["debtor_types"][partner_id],
        }
        consumer = letter["debtor_type"] == "consumer"
        rate_table, fixed_rate = self._credit_interest_basis(policy, consumer, context)
        if not (rate_table or fixed_rate):
            return None  # a consumer of a policy that claims no legal interest owes none
        letter_format, days_word = self._credit_letter_format(letter, context)
        lines, error = [], False
        total_interest = total_compensation = money.to_decimal(0)
        for row in items:
            line = {
                "move_line_id": row["id"],
                "move_id": row["move_id"],
                "due_date": row["date_maturity"],
                "paid_date": row["paid_on"],
                "days_late": dates.days_between(row["date_maturity"], row["paid_on"]),
                "amount": float(row["amount_currency"]),
                "open_amount": 0.0,
                "compensation_amount": 0.0,
                "compensation_carried": False,
            }
            try:
                result = self._credit_line_interest(
                    line, row["paid_on"], rate_table, fixed_rate, digits, context
                )
            except interest_core.MissingRateError as exc:
                error = self._credit_missing_rate_message(exc, consumer)
                continue
            if not result.total:
                continue
            line["interest_amount"] = float(result.total)
            line["interest_detail"] = self._credit_statement_detail(
                result, digits, letter_format, days_word
            )
            total_interest += result.total
            claim = compensated.get(row["move_id"])
            if not consumer and claim is None and row["move_id"] not in context["waived"]:
                try:
                    compensation = self._credit_convert(
                        interest_core.FLAT_COMPENSATION_EUR, context["eur"], letter, context
                    )
                except UserError as exc:
                    error = exc.args[0]
                    continue
                line["compensation_amount"] = float(compensation)
                total_compensation += compensation
            lines.append(line)
        if not lines and not error:
            return None
        values = {
            "kind": "interest_statement",
            "date": on_date,
            "partner_id": partner_id,
            "currency_id": currency_id,
            "policy_id": policy.id,
            "debtor_type": letter["debtor_type"],
            "state": "error" if error else "draft",
            "error_message": error or False,
            "send_email": True,
            "print_letter": False,
            "amount_due": 0.0,
            "interest_amount": float(total_interest),
            "compensation_amount": float(total_compensation),
            "fee_amount": 0.0,
            "line_ids": [
                fields.Command.create({k: v for k, v in line.items() if k != "move_id"})
                for line in lines
            ],
        }
        return values

    @api.model
    def _credit_statement_detail(self, result, digits, letter_format, days_word):
        return _format_interest(result, digits, letter_format, days_word)

    @api.model
    def _credit_paid_late_items(self, company, partners, on_date, months):
        """Receivable lines of invoices paid in full after their due date, in the
        ``months`` before ``on_date``, never claimed (no letter with interest, no live
        statement): one query."""
        since = dates.add_months(on_date, -months)
        Line = self.env["account.move.line"]
        domain = expression.AND(
            [
                [
                    ("company_id", "=", company.id),
                    ("parent_state", "=", "posted"),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("move_id.move_type", "=", "out_invoice"),
                    ("move_id.credit_dunning_excluded", "=", False),
                    ("reconciled", "=", True),
                    ("date_maturity", "!=", False),
                    ("date_maturity", "<", on_date),
                ],
                self.env["account.move"]._credit_collectible_line_domain(),
            ]
        )
        if partners is not None:
            domain = expression.AND(
                [domain, [("partner_id.commercial_partner_id", "in", partners.ids)]]
            )
        self.env.flush_all()
        query = Line._search(domain)
        self.env.cr.execute(
            SQL(
                """
                SELECT aml.id, aml.move_id, partner.commercial_partner_id, aml.currency_id,
                       aml.date_maturity, aml.amount_currency, MAX(partial.max_date) AS paid_on
                  FROM account_move_line aml
                  JOIN res_partner partner ON partner.id = aml.partner_id
                  JOIN account_partial_reconcile partial ON partial.debit_move_id = aml.id
                 WHERE aml.id IN (%s)
                   AND NOT EXISTS (
                       SELECT 1
                         FROM credit_dunning_letter_line item
                         JOIN credit_dunning_letter letter ON letter.id = item.letter_id
                        WHERE item.move_line_id = aml.id AND letter.state != 'cancelled'
                          AND (item.interest_amount > 0 OR letter.kind = 'interest_statement'))
              GROUP BY aml.id, partner.commercial_partner_id
                HAVING MAX(partial.max_date) > aml.date_maturity
                   AND MAX(partial.max_date) BETWEEN %s AND %s
              ORDER BY partner.commercial_partner_id, aml.date_maturity, aml.id
                """,
                query.subselect(),
                since,
                on_date,
            )
        )
        return self.env.cr.dictfetchall()
