"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "buyers"
OPENAPI = "clients/openapi/buyers.json"
OPENAPI_SHA256 = "8ab9b4b7b7a432cedc4d0f674aea17cd0247f028aeaf1457d8813fa48c845bfc"
GENERATOR = "openapi-python-client 0.29.1"
