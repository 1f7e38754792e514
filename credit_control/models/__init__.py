from . import account_move
from . import res_company
from . import res_config_settings
from . import credit_score_history
from . import credit_report_provider
from . import credit_business_report
from . import res_partner
from . import account_partial_reconcile
