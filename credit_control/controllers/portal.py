"""The customer's side of a payment plan: /my/payment_plans and the plan's page, where the
customer signs and accepts the proposal or declines it (Odoo's portal, with the plan's
access token)."""

import base64
import binascii

from odoo import fields
from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError
from odoo.exceptions import MissingError
from odoo.exceptions import UserError
from odoo.http import request

PLAN_MODEL = "credit.payment.plan"
# what a customer sees: proposals and the plans that came of them, never drafts
PORTAL_STATES = ("proposed", "active", "completed", "broken", "cancelled")
PAGE_SIZE = 20


class CreditPaymentPlanPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "credit_payment_plan_count" in counters:
            values["credit_payment_plan_count"] = (
                request.env[PLAN_MODEL].sudo().search_count(self._credit_plans_domain())
            )
        return values

    def _credit_plans_domain(self):
        """The plans of the portal user's company (its commercial partner), proposed or
        later. Read as superuser: the portal user has no access to the model itself."""
        partner = request.env.user.partner_id.commercial_partner_id
        return [("partner_id", "=", partner.id), ("state", "in", PORTAL_STATES)]

    @http.route(
        ["/my/payment_plans", "/my/payment_plans/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_payment_plans(self, page=1, **kw):
        Plan = request.env[PLAN_MODEL].sudo()
        domain = self._credit_plans_domain()
        pager = portal_pager(
            url="/my/payment_plans",
            total=Plan.search_count(domain),
            page=page,
            step=PAGE_SIZE,
        )
        plans = Plan.search(domain, order="id desc", limit=PAGE_SIZE, offset=pager["offset"])
        request.session["my_payment_plans_history"] = plans.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "plans": plans,
                "pager": pager,
                "page_name": "payment_plans",
                "default_url": "/my/payment_plans",
            }
        )
        return request.render("credit_control.portal_my_payment_plans", values)

    def _credit_plan_check_access(self, plan_id, access_token):
        plan_sudo = self._document_check_access(PLAN_MODEL, plan_id, access_token=access_token)
        if plan_sudo.state not in PORTAL_STATES and request.env.user.share:
            # a draft is the controller's work in progress, not yet the customer's
            raise AccessError(request.env._("This payment plan has not been proposed yet."))
        return plan_sudo

    def _credit_author(self, plan_sudo):
        """Who acts on the plan: the logged-in user, or the customer behind the link."""
        if request.env.user._is_public():
            return plan_sudo.partner_id
        return request.env.user.partner_id

    @http.route(["/my/payment_plans/<int:plan_id>"], type="http", auth="public", website=True)
    def portal_payment_plan_page(
        self, plan_id, access_token=None, report_type=None, download=False, message=False, **kw
    ):
        try:
            plan_sudo = self._credit_plan_check_access(plan_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=plan_sudo,
                report_type=report_type,
                report_ref="credit_control.action_report_payment_plan",
                download=download,
            )
        values = {
            "plan": plan_sudo,
            "message": message,
            "page_name": "payment_plan",
            "report_type": "html",
            "res_company": plan_sudo.company_id,
        }
        values = self._get_page_view_values(
            plan_sudo, access_token, values, "my_payment_plans_history", False
        )
        return request.render("credit_control.portal_payment_plan_page", values)

    @http.route(
        ["/my/payment_plans/<int:plan_id>/accept"], type="json", auth="public", website=True
    )
    def portal_payment_plan_accept(self, plan_id, access_token=None, name=None, signature=None):
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            plan_sudo = self._credit_plan_check_access(plan_id, access_token)
        except (AccessError, MissingError):
            return {"error": request.env._("Invalid payment plan.")}
        if not plan_sudo._credit_has_to_be_signed():
            return {
                "error": request.env._("This payment plan is no longer waiting for your signature.")
            }
        name = (name or "").strip()
        if not name:
            return {"error": request.env._("Please write your name.")}
        if not signature:
            return {"error": request.env._("Signature is missing.")}
        try:
            base64.b64decode(signature, validate=True)
        except (TypeError, ValueError, binascii.Error):
            return {"error": request.env._("Invalid signature data.")}
        try:
            plan_sudo._credit_accept(name, signature=signature, method="portal")
        except UserError as error:
            return {"error": str(error)}
        author = self._credit_author(plan_sudo)
        pdf = (
            request.env["ir.actions.report"]
            .sudo()
            .with_company(plan_sudo.company_id)
            ._render_qweb_pdf("credit_control.action_report_payment_plan", plan_sudo.ids)[0]
        )
        plan_sudo.message_post(
            attachments=[(f"{plan_sudo._get_report_base_filename()}.pdf", pdf)],
            author_id=author.id,
            body=request.env._(
                "Payment plan accepted and signed in the customer portal by %(name)s on %(date)s.",
                name=name,
                date=fields.Datetime.to_string(fields.Datetime.now()),
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return {
            "force_refresh": True,
            "redirect_url": plan_sudo.get_portal_url(query_string="&message=sign_ok"),
        }

    @http.route(
        ["/my/payment_plans/<int:plan_id>/decline"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_payment_plan_decline(self, plan_id, access_token=None, decline_message=None, **kw):
        try:
            plan_sudo = self._credit_plan_check_access(plan_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        reason = (decline_message or "").strip()
        if not plan_sudo._credit_has_to_be_signed() or not reason:
            return request.redirect(plan_sudo.get_portal_url(query_string="&message=cant_decline"))
        author = self._credit_author(plan_sudo)
        plan_sudo._credit_decline(reason)
        plan_sudo.message_post(
            author_id=author.id,
            body=request.env._(
                "Payment plan declined in the customer portal by %(name)s: %(reason)s",
                name=author.name,
                reason=reason,
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return request.redirect(plan_sudo.get_portal_url(query_string="&message=declined"))
