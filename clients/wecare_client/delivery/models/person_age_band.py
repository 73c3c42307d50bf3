from enum import StrEnum


class PersonAgeBand(StrEnum):
    UNDER_16 = "under_16"
    VALUE_1 = "16_17"
    VALUE_2 = "18_24"
    VALUE_3 = "25_34"
    VALUE_4 = "35_44"
    VALUE_5 = "45_plus"

    def __str__(self) -> str:
        return str(self.value)
