"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "delivery"
OPENAPI = "clients/openapi/delivery.json"
OPENAPI_SHA256 = "47a6d8baa96377f3f2a895752dc5a10fe03cd93789f11b643d5868b0aa821e02"
GENERATOR = "openapi-python-client 0.29.1"
