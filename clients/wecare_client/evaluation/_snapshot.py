"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "evaluation"
OPENAPI = "clients/openapi/evaluation.json"
OPENAPI_SHA256 = "9bb6258bb3e201da365abacf5c3420a9d47c18876ddc711c3dc586d53d049154"
GENERATOR = "openapi-python-client 0.29.1"
