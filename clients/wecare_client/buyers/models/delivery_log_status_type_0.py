from enum import StrEnum


class DeliveryLogStatusType0(StrEnum):
    DELIVERED = "delivered"
    PARKED = "parked"
    PENDING = "pending"

    def __str__(self) -> str:
        return str(self.value)
