from . import credit_aged_receivable
from . import credit_cashin_forecast
from . import credit_dunning_letter_analysis
