from egov.catalog.models.field import Field
from egov.catalog.models.parts import Fee, RequiredPaper, StepTemplate
from egov.catalog.models.procedure import Procedure
from egov.catalog.models.version import ProcedureVersion

__all__ = ["Fee", "Field", "Procedure", "ProcedureVersion", "RequiredPaper", "StepTemplate"]
