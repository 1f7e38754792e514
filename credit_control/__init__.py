from . import core
from . import models
from . import wizards
