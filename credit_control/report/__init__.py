from . import credit_aged_receivable
from . import credit_cashin_forecast
from . import credit_collection_agency_analysis
from . import credit_dunning_letter_analysis
