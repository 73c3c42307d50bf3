from services.assessment.service import create_service
from shared.settings import Settings

create_service(Settings(service="assessment")).serve()
