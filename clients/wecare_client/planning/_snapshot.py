"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "planning"
OPENAPI = "clients/openapi/planning.json"
OPENAPI_SHA256 = "dc640cbde523ea20bc2926d4b45936966cbe3b7155080d27d6a802eadc0bba85"
GENERATOR = "openapi-python-client 0.29.1"
