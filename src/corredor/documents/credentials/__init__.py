"""Signed documents: compact JWS with Ed25519, key rings, status lists, QR codes and cards."""
