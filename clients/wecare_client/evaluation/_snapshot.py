"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "evaluation"
OPENAPI = "clients/openapi/evaluation.json"
OPENAPI_SHA256 = "336f1e68c82831aa037ac644cf75c229071243f6e0bd65e81cdee7384f252c1a"
GENERATOR = "openapi-python-client 0.29.1"
