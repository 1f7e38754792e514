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
        "security/credit_dunning_security.xml",
        "data/credit_dunning_data.xml",
        "report/credit_dunning_letter_report.xml",
        "views/credit_dunning_views.xml",
        "views/res_config_settings_dunning_views.xml",
        "wizards/credit_dunning_run_wizard_views.xml",
    ],
    "demo": [
        "demo/credit_control_demo.xml",
        "demo/credit_dunning_demo.xml",
    ],
}
