from egov.core.models.base import TimeStampedModel
from egov.core.models.stored_file import StoredFile

__all__ = ["StoredFile", "TimeStampedModel"]
