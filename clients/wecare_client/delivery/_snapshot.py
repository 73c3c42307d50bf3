"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "delivery"
OPENAPI = "clients/openapi/delivery.json"
OPENAPI_SHA256 = "a280648a13fb820f686b1e7108771d166134424df7d1eda66baa863447285a3f"
GENERATOR = "openapi-python-client 0.29.1"
