"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "evaluation"
OPENAPI = "clients/openapi/evaluation.json"
OPENAPI_SHA256 = "b7f8ce06848599b0db76313dadd6e39dd7d8c77c862eb5e9167f736695e84f00"
GENERATOR = "openapi-python-client 0.29.1"
