from . import account_move
from . import account_partial_reconcile
from . import credit_business_report
from . import credit_report_provider
from . import credit_score_history
from . import res_company
from . import res_config_settings
from . import res_partner
