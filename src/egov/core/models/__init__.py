from egov.core.models.base import TimeStampedModel
from egov.core.models.scheduled_run import ScheduledRun
from egov.core.models.stored_file import StoredFile

__all__ = ["ScheduledRun", "StoredFile", "TimeStampedModel"]
