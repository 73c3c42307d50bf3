"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "evaluation"
OPENAPI = "clients/openapi/evaluation.json"
OPENAPI_SHA256 = "26652f203aa9153d3823bf50fa1c0f6c4ba16410c11ca0dccc4a18441ef18c11"
GENERATOR = "openapi-python-client 0.29.1"
