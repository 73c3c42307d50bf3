"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "assessment"
OPENAPI = "clients/openapi/assessment.json"
OPENAPI_SHA256 = "44f06959cf4b52f0fc68697a817a4f4f719c826def05e873cc50fcf4814c7e6d"
GENERATOR = "openapi-python-client 0.29.1"
