"""Payment plans in the customer portal: the proposal e-mail with its link, the agreement
PDF, the customer's signature.

The customer opens ``/my/payment_plans/<id>?access_token=...`` (controllers/portal.py),
reads the schedule and accepts it with name and signature (the engine's ``_credit_accept``
stores who, when, how and the signature), or declines it with a reason.
"""

from odoo import fields
from odoo import models


class CreditPaymentPlan(models.Model):
    _name = "credit.payment.plan"
    _inherit = ["credit.payment.plan", "portal.mixin"]

    proposal_sent_on = fields.Datetime(
        copy=False,
        readonly=True,
        help="When the agreement was last e-mailed to the customer with the portal link.",
    )

    def _compute_access_url(self):
        for plan in self:
            plan.access_url = f"/my/payment_plans/{plan.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Payment Plan %(name)s", name=self.name)

    def _credit_has_to_be_signed(self):
        """Whether the customer may still accept or decline the plan in the portal."""
        self.ensure_one()
        return self.state == "proposed"

    def _credit_send_proposal(self):
        """E-mail the agreement (PDF in the customer's language) with the portal link.

        Called by ``action_propose`` once the plans are proposed. A customer without an
        e-mail address gets nothing: the chatter says to print the agreement instead.
        """
        result = super()._credit_send_proposal()
        template = self.env.ref("credit_control.mail_template_payment_plan_proposal")
        for plan in self:
            plan._portal_ensure_token()
            if not plan.partner_id.email:
                plan.message_post(
                    body=self.env._(
                        "The customer has no e-mail address: print the agreement and send it "
                        "by post, or accept the plan by hand once it is signed."
                    )
                )
                continue
            plan.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.filtered("partner_id.email").write({"proposal_sent_on": fields.Datetime.now()})
        return result

    def action_credit_preview_portal(self):
        """Open the customer's portal page of the plan (what the customer sees)."""
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": self.get_portal_url(),
        }
