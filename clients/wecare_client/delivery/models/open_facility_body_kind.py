from enum import StrEnum


class OpenFacilityBodyKind(StrEnum):
    AFTER_SCHOOL_CENTRE = "after_school_centre"
    CHILD_FRIENDLY_SPACE = "child_friendly_space"

    def __str__(self) -> str:
        return str(self.value)
