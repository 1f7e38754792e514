from . import test_demo_data
from . import test_foundation
from . import test_i18n
from . import test_sdi_bad_input
from . import test_sdi_l10n_it_edi
from . import test_sdi_notification
from . import test_security
