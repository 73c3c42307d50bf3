"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "buyers"
OPENAPI = "clients/openapi/buyers.json"
OPENAPI_SHA256 = "0637bc775ab929b55bd929f9d5b0000e5f9b3221345e917f1ea6dd090a469e8b"
GENERATOR = "openapi-python-client 0.29.1"
