"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "assessment"
OPENAPI = "clients/openapi/assessment.json"
OPENAPI_SHA256 = "23639cd77a7e5686de27f636f5a1baa82b3e0c984965c5610add21eb105cf7a6"
GENERATOR = "openapi-python-client 0.29.1"
