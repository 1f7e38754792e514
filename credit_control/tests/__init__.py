from . import test_dunning
from . import test_dunning_screens
from . import test_foundation
