"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "assessment"
OPENAPI = "clients/openapi/assessment.json"
OPENAPI_SHA256 = "4404e7107cac199e43e446014231dcc05814cc889d48b57e2fe41c91f169527a"
GENERATOR = "openapi-python-client 0.29.1"
