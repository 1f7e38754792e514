from . import credit_dunning_run_wizard
from . import credit_hold_wizard
from . import credit_payment_plan_wizard
from . import credit_report_import_wizard
from . import credit_sdi_import_wizard
from . import credit_sdi_match_wizard
from . import validate_account_move
