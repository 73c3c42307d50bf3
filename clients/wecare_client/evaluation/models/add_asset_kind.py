from enum import StrEnum


class AddAssetKind(StrEnum):
    PHOTO = "photo"
    STORY = "story"
    VIDEO = "video"

    def __str__(self) -> str:
        return str(self.value)
