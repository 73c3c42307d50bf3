"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "delivery"
OPENAPI = "clients/openapi/delivery.json"
OPENAPI_SHA256 = "d6cd56045574d6d230be567896a480d7c48794578db011f6965f32f84d44a4c6"
GENERATOR = "openapi-python-client 0.29.1"
