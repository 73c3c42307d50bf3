"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "planning"
OPENAPI = "clients/openapi/planning.json"
OPENAPI_SHA256 = "cf44e08f3d3a803e8880b6801be54ced1ded8905e02a3ebc3d10cf596c2a964e"
GENERATOR = "openapi-python-client 0.29.1"
