from egov.queueing.models.counter import Counter
from egov.queueing.models.line import TicketLine
from egov.queueing.models.ticket import Ticket, TicketSequence

__all__ = ["Counter", "Ticket", "TicketLine", "TicketSequence"]
