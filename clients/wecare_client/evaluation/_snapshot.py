"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "evaluation"
OPENAPI = "clients/openapi/evaluation.json"
OPENAPI_SHA256 = "5a7a406c1feb9ab14d12e6b2fa7eac378bfadeada6142ed38d92597cd1bc3db6"
GENERATOR = "openapi-python-client 0.29.1"
