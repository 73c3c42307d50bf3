from enum import StrEnum


class PolicyAnswerStatus(StrEnum):
    IN_PLACE = "in_place"
    MISSING = "missing"
    PARTIAL = "partial"

    def __str__(self) -> str:
        return str(self.value)
