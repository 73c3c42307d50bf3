from enum import StrEnum


class RegisterWebhookBodyStart(StrEnum):
    BEGINNING = "beginning"
    NOW = "now"

    def __str__(self) -> str:
        return str(self.value)
