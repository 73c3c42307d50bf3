"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "delivery"
OPENAPI = "clients/openapi/delivery.json"
OPENAPI_SHA256 = "2a09c23e74f48d24c55701c5b97902b496fed2ced48b8f3a56d4a4fba369900f"
GENERATOR = "openapi-python-client 0.29.1"
