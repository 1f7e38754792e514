# Copyright 2026 credit_control authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Credit Control",
    "summary": "Know your customers, keep e-invoices deliverable, chase payment, "
    "agree payment plans and hand debts over to an agency",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "AGPL-3",
    "author": "credit_control authors",
    "website": "https://github.com/credit-control/credit_control",
    "depends": ["account"],
    "external_dependencies": {"python": ["lxml"]},
    "data": [
        "security/credit_control_security.xml",
        "security/ir.model.access.csv",
        "views/credit_control_menus.xml",
        "views/res_config_settings_views.xml",
        "data/credit.sdi.error.code.csv",
        "data/credit_sdi_data.xml",
        "views/credit_sdi_notification_views.xml",
        "views/credit_sdi_wizard_views.xml",
        "views/account_move_sdi_views.xml",
        "data/credit_score_cron.xml",
        "views/credit_score_history_views.xml",
        "report/credit_profile_report.xml",
        "views/credit_business_report_views.xml",
        "wizards/credit_report_import_wizard_views.xml",
        "views/credit_report_provider_views.xml",
        "views/res_partner_credit_views.xml",
        "views/res_config_settings_credit_score_views.xml",
        "wizards/credit_hold_wizard_views.xml",
    ],
    "demo": [
        "demo/credit_control_demo.xml",
        "demo/credit_sdi_demo.xml",
        "demo/credit_score_demo.xml",
    ],
}
