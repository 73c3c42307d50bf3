"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "buyers"
OPENAPI = "clients/openapi/buyers.json"
OPENAPI_SHA256 = "e7e60ab8db676f9c4e9b819d89df78d3ce63393e307aec021cc67024773d9322"
GENERATOR = "openapi-python-client 0.29.1"
