"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "assessment"
OPENAPI = "clients/openapi/assessment.json"
OPENAPI_SHA256 = "31f4127c5a04a04e7da991f64fe183590a2ba343b766d6502ce95c14486f65eb"
GENERATOR = "openapi-python-client 0.29.1"
