from enum import StrEnum


class CountRole(StrEnum):
    CHILD = "child"
    MANAGER = "manager"
    PARENT_WORKER = "parent_worker"
    SUPERVISOR = "supervisor"
    WORKER = "worker"

    def __str__(self) -> str:
        return str(self.value)
