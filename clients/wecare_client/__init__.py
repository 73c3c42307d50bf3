"""Typed clients of the WeCare services, generated from their OpenAPI by `make client`: one package per service."""
