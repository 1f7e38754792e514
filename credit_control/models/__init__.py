from . import account_move
from . import credit_demo_data
from . import credit_sdi_error_code
from . import credit_sdi_notification
from . import credit_sdi_notification_error
from . import res_company
from . import res_config_settings
