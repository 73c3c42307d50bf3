"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "delivery"
OPENAPI = "clients/openapi/delivery.json"
OPENAPI_SHA256 = "235dcc213d5acbb8947a22e28da04ea9f1f71a94715e7678718f720aa89d4844"
GENERATOR = "openapi-python-client 0.29.1"
