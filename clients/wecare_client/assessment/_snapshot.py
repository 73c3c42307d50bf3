"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "assessment"
OPENAPI = "clients/openapi/assessment.json"
OPENAPI_SHA256 = "f86e282086230a03b4a2b9deab9bfd61e34b2e2fc26371cc202ec66394dac521"
GENERATOR = "openapi-python-client 0.29.1"
