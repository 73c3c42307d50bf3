"""Written by `make client` (wecare/clients.py), not by hand: the OpenAPI snapshot this package was
generated from. tests/kernel/test_clients.py compares its sha256 with the snapshot's."""

SERVICE = "buyers"
OPENAPI = "clients/openapi/buyers.json"
OPENAPI_SHA256 = "59897c761efcf05b0e9f744c3440ba9960ed49a41fccec03e65be0359b92f07f"
GENERATOR = "openapi-python-client 0.29.1"
