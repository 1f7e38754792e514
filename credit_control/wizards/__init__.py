from . import credit_sdi_import_wizard
from . import credit_sdi_match_wizard
