from . import test_credit_demo
from . import test_credit_hold
from . import test_credit_reports
from . import test_credit_score
from . import test_credit_views
from . import test_foundation
