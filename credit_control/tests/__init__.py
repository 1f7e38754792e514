from . import test_foundation
from . import test_sdi_notification
from . import test_sdi_bad_input
