from enum import StrEnum


class OpenConsultingCaseBodyCategory(StrEnum):
    EMERGENCY = "emergency"
    FINANCIAL = "financial"
    LEGAL = "legal"
    OTHER = "other"
    PSYCHOLOGICAL = "psychological"

    def __str__(self) -> str:
        return str(self.value)
