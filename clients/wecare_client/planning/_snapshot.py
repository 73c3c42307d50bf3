"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "planning"
OPENAPI = "clients/openapi/planning.json"
OPENAPI_SHA256 = "a99c559878fde05fad0e375b6ba32bd08dd85e68d50545d5f489dd75155e335f"
GENERATOR = "openapi-python-client 0.29.1"
