"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "planning"
OPENAPI = "clients/openapi/planning.json"
OPENAPI_SHA256 = "ddd902ae49dd0f21c2cc7714cf69c4496c57f78cb068149e6c4ae8aa723b6db1"
GENERATOR = "openapi-python-client 0.29.1"
