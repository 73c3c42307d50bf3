"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "evaluation"
OPENAPI = "clients/openapi/evaluation.json"
OPENAPI_SHA256 = "5314b4d807835f637b00a3175ec19bea53f875d5c555e5e2135fd56d06dcacc0"
GENERATOR = "openapi-python-client 0.29.1"
