"""Installment reminders: an e-mail a few days before an installment falls due, and one
after the date when it is still unpaid.

Each reminder goes once per installment (``reminder_before_sent``, ``reminder_after_sent``),
whatever the number of cron calls; the texts are the mail templates of
``data/credit_payment_plan_mail_data.xml``, which the user can edit.
"""

from datetime import timedelta

from markupsafe import Markup

from odoo import api
from odoo import fields
from odoo import models
from odoo.tools import format_date
from odoo.tools import split_every

# a reminder this many days before the due date, and this many days after it
REMINDER_DAYS_BEFORE = 5
REMINDER_DAYS_AFTER = 3
CRON_BATCH_SIZE = 200


class CreditPaymentPlanInstallment(models.Model):
    _inherit = "credit.payment.plan.installment"

    reminder_before_sent = fields.Boolean(
        string="Reminder Sent",
        copy=False,
        readonly=True,
        help="The reminder before the due date has been e-mailed.",
    )
    reminder_after_sent = fields.Boolean(
        string="Overdue Reminder Sent",
        copy=False,
        readonly=True,
        help="The reminder after the due date (installment still unpaid) has been e-mailed.",
    )

    def _credit_reminder_domain(self, kind, today):
        """Installments of active plans due for the ``kind`` reminder (before or after)."""
        domain = [
            ("plan_id.state", "=", "active"),
            ("state", "!=", "paid"),
            ("plan_id.partner_id.email", "!=", False),
        ]
        if kind == "before":
            return [
                *domain,
                ("reminder_before_sent", "=", False),
                ("date_due", ">=", today),
                ("date_due", "<=", today + timedelta(days=REMINDER_DAYS_BEFORE)),
            ]
        return [
            *domain,
            ("reminder_after_sent", "=", False),
            ("date_due", "<=", today - timedelta(days=REMINDER_DAYS_AFTER)),
        ]

    @api.model
    def _cron_send_reminders(self, batch_size=CRON_BATCH_SIZE):
        """Send the due reminders of every company, in batches, each reminder once."""
        today = fields.Date.context_today(self)
        todo = {
            kind: self.search(self._credit_reminder_domain(kind, today), order="date_due, id")
            for kind in ("before", "after")
        }
        total = sum(len(installments) for installments in todo.values())
        done = 0
        Run = self.env["credit.dunning.run"]
        for kind, installments in todo.items():
            for batch_ids in split_every(batch_size, installments.ids):
                self.browse(batch_ids)._credit_send_reminders(kind)
                done += len(batch_ids)
                self.env["ir.cron"]._notify_progress(done=done, remaining=total - done)
                Run._credit_commit()
        return True

    def _credit_send_reminders(self, kind):
        """Queue the ``kind`` reminder of these installments, mark them, log it on the plans.

        An installment that got this reminder already is left out: sending twice is
        impossible whoever calls this."""
        flag = f"reminder_{kind}_sent"
        installments = self.filtered(lambda installment: not installment[flag])
        if not installments:
            return
        template = self.env.ref(f"credit_control.mail_template_payment_plan_reminder_{kind}")
        for company in installments.company_id:
            mine = installments.filtered(lambda item, company=company: item.company_id == company)
            template.with_company(company).send_mail_batch(mine.ids)
        # the flags are the reminders' own bookkeeping, not the user's to write
        installments.sudo().write({flag: True})
        bodies = {}
        for installment in installments:
            values = {
                "number": installment.sequence,
                "date": format_date(self.env, installment.date_due),
            }
            if kind == "before":
                line = self.env._(
                    "Reminder e-mailed: installment %(number)s due on %(date)s.", **values
                )
            else:
                line = self.env._(
                    "Overdue reminder e-mailed: installment %(number)s due on %(date)s.", **values
                )
            previous = bodies.get(installment.plan_id.id)
            bodies[installment.plan_id.id] = (
                Markup("%s<br/>%s") % (previous, line) if previous else line
            )
        installments.plan_id._message_log_batch(bodies=bodies)
