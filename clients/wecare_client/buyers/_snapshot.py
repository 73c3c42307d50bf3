"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "buyers"
OPENAPI = "clients/openapi/buyers.json"
OPENAPI_SHA256 = "8d197a21ca1f7ecadaad225579bee663d84ab1f747f1b87bbde54bef0751cdce"
GENERATOR = "openapi-python-client 0.29.1"
