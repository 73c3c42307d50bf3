"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "planning"
OPENAPI = "clients/openapi/planning.json"
OPENAPI_SHA256 = "30ef09b32fd06d3b9ba3201e4d470f965d1792ed977b6c708466fea0a7fdab64"
GENERATOR = "openapi-python-client 0.29.1"
