from dataclasses import dataclass

import pytest

from egov.accounts.models import Agency
from egov.accounts.tests.factories import AgencyFactory


@dataclass(frozen=True)
class Tree:
    """province
    ├── department            (other_department is its sibling)
    │   └── division
    ├── other_department
    └── commune
        └── one_stop_centre
    """

    province: Agency
    department: Agency
    division: Agency
    other_department: Agency
    commune: Agency
    one_stop_centre: Agency

    @property
    def all(self) -> list[Agency]:
        return [
            self.province,
            self.department,
            self.division,
            self.other_department,
            self.commune,
            self.one_stop_centre,
        ]


@pytest.fixture
def tree(db) -> Tree:
    province = AgencyFactory(province=True)
    department = AgencyFactory(department=True, parent=province)
    commune = AgencyFactory(commune=True, parent=province)
    return Tree(
        province=province,
        department=department,
        division=AgencyFactory(level=Agency.Level.DIVISION, parent=department),
        other_department=AgencyFactory(department=True, parent=province),
        commune=commune,
        one_stop_centre=AgencyFactory(one_stop_centre=True, parent=commune),
    )
