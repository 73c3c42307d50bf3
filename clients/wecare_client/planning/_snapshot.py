"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "planning"
OPENAPI = "clients/openapi/planning.json"
OPENAPI_SHA256 = "d733e6a19ec556b19e1704303cffd51cfd8709e89ab8330c52896082e52e3db9"
GENERATOR = "openapi-python-client 0.29.1"
