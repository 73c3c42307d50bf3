"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "evaluation"
OPENAPI = "clients/openapi/evaluation.json"
OPENAPI_SHA256 = "dec0ff954a365266bdf26195aa1f401fa8bfed8483005d4a7428aeca62566862"
GENERATOR = "openapi-python-client 0.29.1"
