"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "assessment"
OPENAPI = "clients/openapi/assessment.json"
OPENAPI_SHA256 = "90c928eeda120185f6f4a4249d1a8229c4a3b040b7b8e4f80eeefb8e39bb47b9"
GENERATOR = "openapi-python-client 0.29.1"
