"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "delivery"
OPENAPI = "clients/openapi/delivery.json"
OPENAPI_SHA256 = "fad1cc851f8a2f4b04d84a13e9ed73c38c38fbea74188a0108a61f1a97d3be5e"
GENERATOR = "openapi-python-client 0.29.1"
