"""The HTTP API under /api/v1. OpenAPI is the contract."""
