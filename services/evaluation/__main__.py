from services.evaluation.service import create_service
from shared.settings import Settings

if __name__ == "__main__":  # not in the report workers, which import it again (spawn: rendering.py)
    create_service(Settings(service="evaluation")).serve()
