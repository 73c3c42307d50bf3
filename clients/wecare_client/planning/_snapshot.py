"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "planning"
OPENAPI = "clients/openapi/planning.json"
OPENAPI_SHA256 = "4b053f24b709a91529e70466d47f04f51196c615953355cdee77f26820ee6894"
GENERATOR = "openapi-python-client 0.29.1"
