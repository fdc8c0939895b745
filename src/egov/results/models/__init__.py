from egov.results.models.number_counter import ResultNumberCounter
from egov.results.models.result_document import ResultDocument

__all__ = ["ResultDocument", "ResultNumberCounter"]
