import importlib

from . import account_move
from . import account_move_collection
from . import account_move_dunning
from . import account_move_einvoice
from . import account_move_hold
from . import account_move_late_charges
from . import account_move_line
from . import account_move_live_figures
from . import account_move_payment_plan
from . import account_move_payment_plan_button
from . import account_move_scoring
from . import account_partial_reconcile
from . import account_payment
from . import credit_business_report
from . import credit_collection_case
from . import credit_demo_data
from . import credit_demo_data_payment_plan
from . import credit_dunning_letter
from . import credit_dunning_letter_line
from . import credit_dunning_letter_security
from . import credit_dunning_letter_statement
from . import credit_dunning_level
from . import credit_dunning_policy
from . import credit_dunning_run
from . import credit_dunning_run_security
from . import credit_interest_rate
from . import credit_legal_interest_rate
from . import credit_payment_plan
from . import credit_payment_plan_overview
from . import credit_payment_plan_portal
from . import credit_payment_plan_reminder
from . import credit_report_provider
from . import credit_score_history
from . import credit_sdi_error_code
from . import credit_sdi_notification
from . import credit_sdi_notification_error
from . import ir_attachment
from . import mail_mail_dunning
from . import mail_thread_sdi
from . import res_company
from . import res_config_settings
from . import res_partner_business_report
from . import res_partner_collection
from . import res_partner_debtor
from . import res_partner_demo
from . import res_partner_dunning
from . import res_partner_hold
from . import res_partner_interest_statement
from . import res_partner_payment_plan
from . import res_partner_scoring

# PLANSUI-STUB: stand-in of the engine (branch wt/plans), loaded after credit_payment_plan;
# the lead deletes these lines, the import above and the file at merge.
importlib.import_module(f"{__name__}._plansui_engine_stub")
