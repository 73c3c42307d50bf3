"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "delivery"
OPENAPI = "clients/openapi/delivery.json"
OPENAPI_SHA256 = "86773952637f99abb0e2f16419f13a2841c4a838a0a95e61a22bf663e8fd58e8"
GENERATOR = "openapi-python-client 0.29.1"
