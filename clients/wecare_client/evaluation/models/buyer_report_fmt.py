from enum import StrEnum


class BuyerReportFmt(StrEnum):
    CSV = "csv"
    HTML = "html"
    JSON = "json"
    PDF = "pdf"

    def __str__(self) -> str:
        return str(self.value)
