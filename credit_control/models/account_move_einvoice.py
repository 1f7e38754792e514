"""E-invoices (SdI): the invoice's delivery state, the rejection worklist and fix deadline,
and the bridge with Odoo's l10n_it_edi."""

from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api
from odoo import fields
from odoo import models
from odoo.exceptions import UserError
from odoo.tools import format_amount
from odoo.tools import format_date
from odoo.tools.sql import create_index

from ..core import sdi_effects
from ..core import sdi_parser
from .account_move import CREDIT_MOVE_PREFETCH

FIX_DAYS = 5  # a rejected e-invoice must be sent again within 5 days

# l10n_it_edi_state -> (SdI message it stands for, outcome); "sent" only marks it sent.
L10N_IT_EDI_EVENTS = {
    "being_sent": ("sent", ""),
    "processing": ("sent", ""),
    "requires_user_signature": ("sent", ""),
    "rejected": ("NS", ""),
    "forwarded": ("RC", ""),
    "forward_attempt": ("sent", ""),
    "forward_failed": ("MC", ""),
    "accepted_by_pa_partner": ("NE", "EC01"),
    "rejected_by_pa_partner": ("NE", "EC02"),
    "accepted_by_pa_partner_after_expiry": ("DT", ""),
}


class AccountMove(models.Model):
    _inherit = "account.move"

    credit_einvoice_state = fields.Selection(
        [
            ("none", "Not sent"),
            ("sent", "Sent"),
            ("delivered", "Delivered"),
            ("not_delivered", "Not delivered (reserved area)"),
            ("rejected", "Rejected"),
            ("accepted", "Accepted by the administration"),
            ("refused", "Refused by the administration"),
            ("expired", "Terms expired"),
        ],
        string="E-invoice state",
        # nullable on purpose: other modules insert invoices before ours is loaded
        # (at-install tests, data files); NULL reads as "none" (see readme/DEVELOP.md)
        default="none",
        copy=False,
        tracking=True,
        # indexed in init(): the answered e-invoices only
        help="What the exchange system (SdI) said about the invoice's e-invoice. A rejected "
        "invoice was never issued; a not delivered one is issued and waits in the "
        "customer's reserved area of the tax portal.",
    )
    credit_einvoice_file_name = fields.Char(
        string="E-invoice file",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="Name of the e-invoice file sent to the SdI (e.g. IT01234567890_00042.xml). "
        "Notifications are matched to the invoice by it; a corrected invoice is sent in a "
        "file with a new name.",
    )
    credit_einvoice_sdi_identifier = fields.Char(
        string="SdI identifier",
        copy=False,
        index="btree_not_null",
        readonly=True,
        prefetch=CREDIT_MOVE_PREFETCH,
    )
    credit_einvoice_delivered_date = fields.Datetime(
        string="E-invoice delivered on",
        copy=False,
        readonly=True,
        prefetch=CREDIT_MOVE_PREFETCH,
    )
    credit_einvoice_rejected_date = fields.Date(
        string="E-invoice rejected on",
        copy=False,
        readonly=True,
        prefetch=CREDIT_MOVE_PREFETCH,
    )
    credit_einvoice_rejected_file_name = fields.Char(
        string="Rejected file",
        copy=False,
        readonly=True,
        prefetch=CREDIT_MOVE_PREFETCH,
    )
    credit_einvoice_fix_deadline = fields.Date(
        string="Resubmit by",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="A rejected e-invoice must be sent again within 5 days of the rejection.",
        prefetch=CREDIT_MOVE_PREFETCH,
    )
    credit_einvoice_escalated = fields.Boolean(
        string="Escalated",
        copy=False,
        readonly=True,
        help="The fix deadline passed and the credit managers were alerted.",
        prefetch=CREDIT_MOVE_PREFETCH,
    )
    credit_einvoice_error_codes = fields.Char(
        string="Rejection codes", copy=False, readonly=True, prefetch=CREDIT_MOVE_PREFETCH
    )
    credit_einvoice_available_date = fields.Date(
        string="In reserved area since",
        copy=False,
        readonly=True,
        prefetch=CREDIT_MOVE_PREFETCH,
    )
    credit_einvoice_notice_date = fields.Datetime(
        string="Customer told on",
        copy=False,
        readonly=True,
        help="When the customer was told that the undelivered e-invoice waits in their "
        "reserved area of the tax portal. Until then the invoice is not chased.",
        prefetch=CREDIT_MOVE_PREFETCH,
    )
    credit_einvoice_notification_ids = fields.One2many(
        "credit.sdi.notification", "move_id", string="SdI notifications", readonly=True
    )
    credit_einvoice_days_left = fields.Integer(
        string="Days left", compute="_compute_credit_einvoice_days_left"
    )
    credit_einvoice_banner = fields.Html(
        string="E-invoice problem", compute="_compute_credit_einvoice_banner", sanitize=False
    )

    def init(self):
        result = super().init()
        # Most invoices are never sent through the SdI and stay "none": only the answered
        # ones enter the index, so posting an invoice does not pay for it.
        create_index(
            self.env.cr,
            "account_move_credit_einvoice_state_answered_index",
            self._table,
            ["credit_einvoice_state"],
            where="credit_einvoice_state <> 'none'",
        )
        return result

    @api.depends("partner_id", "date", "state", "move_type", "invoice_date", "amount_total")
    @api.depends_context("input_full_display_name", "credit_sdi_match")
    def _compute_display_name(self):
        """In the SdI match wizard an invoice reads with its customer, date and amount,
        so that the right one can be picked from the dropdown."""
        super()._compute_display_name()
        if not self.env.context.get("credit_sdi_match"):
            return
        for move in self:
            move.display_name = " - ".join(
                part
                for part in (
                    move.name,
                    move.partner_id.display_name,
                    format_date(self.env, move.invoice_date) if move.invoice_date else "",
                    format_amount(self.env, move.amount_total, move.currency_id),
                )
                if part
            )

    @api.depends("credit_einvoice_fix_deadline", "credit_einvoice_state")
    def _compute_credit_einvoice_days_left(self):
        today = fields.Date.context_today(self)
        for move in self:
            deadline = move.credit_einvoice_fix_deadline
            rejected = move.credit_einvoice_state == "rejected"
            move.credit_einvoice_days_left = (deadline - today).days if deadline and rejected else 0

    @api.depends(
        "credit_einvoice_state",
        "credit_einvoice_notice_date",
        "credit_einvoice_fix_deadline",
        "credit_einvoice_notification_ids.applied",
        "credit_einvoice_notification_ids.error_ids",
    )
    @api.depends_context("lang")
    def _compute_credit_einvoice_banner(self):
        for move in self:
            move.credit_einvoice_banner = move._credit_einvoice_banner_html()

    def _credit_einvoice_banner_html(self):
        self.ensure_one()
        if self.credit_einvoice_state == "rejected":
            rejection = self.credit_einvoice_notification_ids.filtered(
                lambda n: n.message_type == "NS" and n.applied
            )[:1]
            days_left = self.credit_einvoice_days_left
            timing = (
                self.env._("%s day(s) left.", days_left)
                if days_left >= 0
                else self.env._("The deadline passed %s day(s) ago.", -days_left)
            )
            lines = [
                Markup("<p><strong>%s</strong> %s</p>")
                % (
                    self.env._(
                        "The exchange system (SdI) rejected this e-invoice on %s.",
                        format_date(self.env, self.credit_einvoice_rejected_date),
                    ),
                    self.env._(
                        "For the tax authority it was never issued: do not chase the customer "
                        "for it. Fix the problems below and send it again by %(deadline)s, "
                        "with the same number and date, in a file with a new name; then "
                        'press "Resubmitted". %(timing)s',
                        deadline=format_date(self.env, self.credit_einvoice_fix_deadline),
                        timing=timing,
                    ),
                )
            ]
            items = Markup("").join(
                Markup("<li><strong>%s</strong> %s%s%s</li>")
                % (
                    error.code,
                    error.description or error.explanation or "",
                    Markup("<br/><em>%s</em>") % error.suggestion if error.suggestion else "",
                    Markup("<br/>%s %s") % (self.env._("How to fix:"), error.hint)
                    if error.hint
                    else "",
                )
                for error in rejection.error_ids
            )
            if items:
                lines.append(Markup("<ul>%s</ul>") % items)
            return Markup("").join(lines)
        if self.credit_einvoice_state == "not_delivered" and not self.credit_einvoice_notice_date:
            return Markup("<p><strong>%s</strong> %s</p>") % (
                self.env._("The exchange system (SdI) could not deliver this e-invoice."),
                self.env._(
                    "The invoice is issued and waits in the customer's reserved area of the tax "
                    'portal. Tell the customer with "Send notice to customer" (the e-mail '
                    "carries the PDF); until then the invoice is not chased."
                ),
            )
        return False

    # ------------------------------------------------------------------------------------
    # State changes (called by credit.sdi.notification and the l10n_it_edi bridge)
    # ------------------------------------------------------------------------------------

    def _credit_einvoice_set_state(self, new_state, notification=None):
        """Apply ``new_state`` to one invoice with its effect (see _credit_einvoice_apply)."""
        self.ensure_one()
        self._credit_einvoice_apply([(self, new_state, notification)])

    @api.model
    def _credit_einvoice_apply(self, transitions):
        """Apply ``(move, new_state, notification)`` transitions, in order, in bulk.

        Effects: dates on the invoice; a fix activity due 5 days after a rejection; a
        notice task when not delivered; tasks closed and time to fix measured when a
        rejected invoice goes through.
        """
        values = defaultdict(dict)
        state = {}
        fixed = {}
        for move, new_state, notification in transitions:
            previous = state.get(move, move.credit_einvoice_state)
            was_rejected = move.credit_einvoice_rejected_date or values[move].get(
                "credit_einvoice_rejected_date"
            )
            values[move].update(move._credit_einvoice_values(new_state, notification))
            state[move] = new_state
            went_through = new_state in ("delivered", "not_delivered")
            if went_through and previous in ("rejected", "sent") and was_rejected:
                fixed[move] = _event_date(self, notification)
            elif new_state == "rejected":
                fixed.pop(move, None)
        self._credit_einvoice_write(values)
        rejected = self.browse([m.id for m, s in state.items() if s == "rejected"])
        waiting = self.browse(
            [
                m.id
                for m, s in state.items()
                if s == "not_delivered" and not m.credit_einvoice_notice_date
            ]
        )
        refused = self.browse(
            [m.id for m, s in state.items() if s == "refused" and m.credit_einvoice_state == s]
        )
        rejected._credit_einvoice_schedule("credit_einvoice_fix")
        waiting._credit_einvoice_schedule("credit_einvoice_notice")
        refused._credit_einvoice_schedule("credit_einvoice_refused")
        for move, fixed_date in fixed.items():
            move._credit_einvoice_fixed(fixed_date)

    def _credit_einvoice_values(self, new_state, notification):
        vals = {"credit_einvoice_state": new_state}
        if notification and notification.sdi_identifier and notification.message_type != "SE":
            vals["credit_einvoice_sdi_identifier"] = notification.sdi_identifier
        event_date = _event_date(self, notification)
        if new_state == "rejected":
            vals.update(
                credit_einvoice_rejected_date=event_date,
                credit_einvoice_fix_deadline=event_date + timedelta(days=FIX_DAYS),
                credit_einvoice_rejected_file_name=self.credit_einvoice_file_name,
                credit_einvoice_escalated=False,
                credit_einvoice_error_codes=notification.error_codes if notification else False,
            )
        elif new_state == "delivered":
            vals["credit_einvoice_delivered_date"] = (
                notification and (notification.delivery_date or notification.received_date)
            ) or fields.Datetime.now()
        elif new_state == "not_delivered":
            vals["credit_einvoice_available_date"] = (
                notification and notification.available_date
            ) or event_date
        return vals

    @api.model
    def _credit_einvoice_write(self, values):
        """Write ``{move: vals}`` grouped by identical values.

        These fields only describe the e-invoice: account.move's own write (which
        re-synchronises the journal items of every invoice written) has nothing to do
        for them, so the base write is called directly; stored computed fields such as
        ``credit_collectible`` are still recomputed.
        """
        groups = defaultdict(list)
        for move, vals in values.items():
            groups[tuple(sorted(vals.items()))].append(move.id)
        for items, move_ids in groups.items():
            models.Model.write(self.browse(move_ids), dict(items))

    def _credit_einvoice_schedule(self, kind):
        """One activity per invoice (fix or notice), created in one batch."""
        if not self:
            return
        activity_type = self.env.ref(f"credit_control.mail_activity_type_{kind}")
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        fix = kind == "credit_einvoice_fix"
        # An invoice rejected again keeps one task: its deadline moves to the new rejection.
        open_tasks = self.env["mail.activity"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        for task in open_tasks:
            move = self.browse(task.res_id)
            task.date_deadline = move.credit_einvoice_fix_deadline if fix else today
        vals_list = []
        for move in self - self.browse(open_tasks.mapped("res_id")):
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": move.id,
                    "activity_type_id": activity_type.id,
                    "automated": True,
                    "summary": activity_type.summary,
                    "user_id": move._credit_einvoice_responsible().id,
                    "date_deadline": move.credit_einvoice_fix_deadline if fix else today,
                    "note": move._credit_einvoice_activity_note(kind),
                }
            )
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)

    def _credit_einvoice_activity_note(self, kind):
        if kind == "credit_einvoice_fix":
            return self.env._(
                "Rejection codes: %(codes)s. The invoice shows what each code means "
                "and how to fix it; send it again with the same number and date, in a "
                "file with a new name.",
                codes=self.credit_einvoice_error_codes or "-",
            )
        if kind == "credit_einvoice_refused":
            refusal = self.credit_einvoice_notification_ids.filtered(
                lambda n: n.outcome == "EC02" and n.applied
            )[:1]
            reason = ": " + refusal.description if refusal.description else ""
            return self.env._(
                "The public administration refused this e-invoice (outcome EC02)%(reason)s. "
                "It is not chased: issue a credit note for it and, if the supply stands, a "
                "new invoice.",
                reason=reason,
            )
        return False

    def _credit_einvoice_responsible(self):
        return self.invoice_user_id if self.invoice_user_id.active else self.env.user

    def _credit_einvoice_fixed(self, fixed_date):
        """The corrected file went through: close the tasks, measure the time to fix."""
        self.activity_feedback(
            [
                "credit_control.mail_activity_type_credit_einvoice_fix",
                "credit_control.mail_activity_type_credit_einvoice_escalation",
            ],
            feedback=self.env._("Corrected e-invoice delivered."),
        )
        for rejection in self.credit_einvoice_notification_ids.filtered(
            lambda n: n.message_type == "NS" and n.applied and not n.fixed_date
        ):
            rejection.write(
                {
                    "fixed_date": fixed_date,
                    "fix_days": max((fixed_date - rejection.notification_date).days, 0),
                }
            )

    def action_credit_einvoice_resubmitted(self):
        """The corrected e-invoice was sent again under a new file name."""
        for move in self:
            if move.credit_einvoice_state != "rejected":
                raise UserError(self.env._("Only a rejected e-invoice can be resubmitted."))
            name = sdi_parser.strip_p7m(move.credit_einvoice_file_name)
            if not name or name == sdi_parser.strip_p7m(move.credit_einvoice_rejected_file_name):
                raise UserError(
                    self.env._(
                        "Give the corrected e-invoice of %s its new file name first: the SdI "
                        "refuses a file name it has already received (error 00002).",
                        move.display_name,
                    )
                )
            move.credit_einvoice_state = "sent"
            move.activity_feedback(
                ["credit_control.mail_activity_type_credit_einvoice_fix"],
                feedback=self.env._("Resubmitted as %s.", move.credit_einvoice_file_name),
            )
        return True

    def action_credit_einvoice_send_notice(self):
        """Open the ready e-mail telling the customer where the invoice is."""
        self.ensure_one()
        template = self.env.ref("credit_control.mail_template_credit_einvoice_notice")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Tell the customer"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_layout",
                "credit_einvoice_notice": True,
            },
        }

    def _credit_einvoice_send_notice(self):
        """Send the notice e-mail (with the invoice PDF) without opening the composer."""
        template = self.env.ref("credit_control.mail_template_credit_einvoice_notice")
        for move in self:
            move.with_context(credit_einvoice_notice=True).message_post_with_source(
                template, subtype_xmlid="mail.mt_comment"
            )

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if self.env.context.get("credit_einvoice_notice"):
            self._credit_einvoice_notice_sent()
        return message

    def _credit_einvoice_notice_sent(self):
        waiting = self.filtered(
            lambda m: (
                m.credit_einvoice_state == "not_delivered" and not m.credit_einvoice_notice_date
            )
        )
        if waiting:
            waiting.credit_einvoice_notice_date = fields.Datetime.now()
            waiting.activity_feedback(
                ["credit_control.mail_activity_type_credit_einvoice_notice"],
                feedback=self.env._("Customer told by e-mail."),
            )

    @api.model
    def _cron_credit_escalate_einvoice_rejections(self, batch_size=200, commit=False):
        """Alert the credit managers about rejected e-invoices past their fix deadline.

        The scheduled action passes ``commit=True`` to save each batch; an escalated
        invoice is flagged, so a rerun alerts nobody twice.
        """
        today = fields.Date.context_today(self)
        domain = [
            ("credit_einvoice_state", "=", "rejected"),
            ("credit_einvoice_fix_deadline", "<", today),
            ("credit_einvoice_escalated", "=", False),
        ]
        late = self.search(domain)
        managers_group = self.env.ref("credit_control.group_credit_manager")
        managers = managers_group.users.filtered(lambda u: u.active and not u.share)
        for start in range(0, len(late), batch_size):
            batch = late[start : start + batch_size]
            for move in batch:
                move._credit_einvoice_escalate(managers)
            batch.credit_einvoice_escalated = True
            self.env["ir.cron"]._notify_progress(
                done=start + len(batch), remaining=len(late) - start - len(batch)
            )
            if commit:  # the scheduled action saves each batch; tests never commit
                self.env.cr.commit()  # pylint: disable=invalid-commit

    def _credit_einvoice_escalate(self, managers):
        recipients = managers.filtered(lambda u: self.company_id in u.company_ids)
        for manager in recipients or self._credit_einvoice_responsible():
            self.activity_schedule(
                "credit_control.mail_activity_type_credit_einvoice_escalation",
                date_deadline=fields.Date.context_today(self),
                user_id=manager.id,
                note=self.env._(
                    "The rejected e-invoice %(invoice)s was not sent again by %(deadline)s "
                    "(responsible: %(user)s).",
                    invoice=self.display_name,
                    deadline=format_date(self.env, self.credit_einvoice_fix_deadline),
                    user=self._credit_einvoice_responsible().name,
                ),
            )
        self.message_post(
            body=self.env._(
                "Rejected e-invoice not fixed within 5 days: escalated to the credit managers."
            )
        )

    # ------------------------------------------------------------------------------------
    # Bridge with Odoo's l10n_it_edi, without depending on it
    # ------------------------------------------------------------------------------------

    def write(self, vals):
        result = super().write(vals)
        if "l10n_it_edi_state" in vals and "l10n_it_edi_state" in self._fields:
            self._credit_einvoice_sync_l10n_it_edi()
        return result

    def _credit_einvoice_sync_l10n_it_edi(self):
        for move in self:
            edi_state = move.l10n_it_edi_state
            attachment = (
                move["l10n_it_edi_attachment_id"]
                if ("l10n_it_edi_attachment_id" in move._fields)
                else False
            )
            if attachment and attachment.name != move.credit_einvoice_file_name:
                move.credit_einvoice_file_name = attachment.name
            message_type, outcome = L10N_IT_EDI_EVENTS.get(edi_state, (None, ""))
            if message_type == "sent":
                if (move.credit_einvoice_state or "none") in ("none", "rejected"):
                    move.credit_einvoice_state = "sent"
                continue
            if not message_type:
                continue
            new_state = sdi_effects.next_state(move.credit_einvoice_state, message_type, outcome)
            if new_state:
                move._credit_einvoice_set_state(new_state)


def _event_date(records, notification):
    """The day of an SdI event: the notification's date, else today."""
    if notification and notification.notification_date:
        return notification.notification_date
    return fields.Date.context_today(records)
