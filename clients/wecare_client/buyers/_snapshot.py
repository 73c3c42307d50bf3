"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "buyers"
OPENAPI = "clients/openapi/buyers.json"
OPENAPI_SHA256 = "9b15b5a19a3e82c56ead2d02320273fffde11cb4e7caa5dce2d54f7ba2f77f4d"
GENERATOR = "openapi-python-client 0.29.1"
