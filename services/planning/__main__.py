from services.planning.service import create_service
from shared.settings import Settings

create_service(Settings(service="planning")).serve()
