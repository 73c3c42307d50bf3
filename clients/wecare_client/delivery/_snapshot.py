"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "delivery"
OPENAPI = "clients/openapi/delivery.json"
OPENAPI_SHA256 = "2e830ea94a9410b9ae26d322c53d7db7480d42fe9d0d73a5406a0f2ddc01428b"
GENERATOR = "openapi-python-client 0.29.1"
