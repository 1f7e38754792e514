from . import credit_collection_agency_analysis
from . import credit_dunning_letter_analysis
