from enum import StrEnum


class AddAssetScopeItem(StrEnum):
    BUYER_REPORTS = "buyer_reports"
    INTERNAL = "internal"
    PUBLIC = "public"

    def __str__(self) -> str:
        return str(self.value)
