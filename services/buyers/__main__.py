from services.buyers.service import create_service
from shared.settings import Settings

create_service(Settings(service="buyers")).serve()
