from . import controllers
from . import core
from . import models
from . import report
from . import wizards
