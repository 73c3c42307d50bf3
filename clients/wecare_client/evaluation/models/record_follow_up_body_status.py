from enum import StrEnum


class RecordFollowUpBodyStatus(StrEnum):
    CONTINUED = "continued"
    PARTLY = "partly"
    STOPPED = "stopped"

    def __str__(self) -> str:
        return str(self.value)
