"""Store connectors: how orders come in from a store's own API (Shopify so far)."""
