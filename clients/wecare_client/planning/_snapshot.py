"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "planning"
OPENAPI = "clients/openapi/planning.json"
OPENAPI_SHA256 = "79148a1f7ea2664beeabb65c07537ef542afcd74eeaa56357c4b4a47fad3768a"
GENERATOR = "openapi-python-client 0.29.1"
