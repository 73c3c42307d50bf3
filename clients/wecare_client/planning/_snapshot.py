"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "planning"
OPENAPI = "clients/openapi/planning.json"
OPENAPI_SHA256 = "2df20cb2fe39a0320024eec43e364d70dd8be77ee1e4e21781b9bb1ac00ac575"
GENERATOR = "openapi-python-client 0.29.1"
