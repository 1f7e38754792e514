from . import account_move
from . import credit_demo_data
from . import res_company
from . import res_config_settings
