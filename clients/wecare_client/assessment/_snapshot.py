"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "assessment"
OPENAPI = "clients/openapi/assessment.json"
OPENAPI_SHA256 = "54eb765d7844cd8159dc9579be57e6e935bb62d1a89bb3b3ad14feb8c79777b9"
GENERATOR = "openapi-python-client 0.29.1"
