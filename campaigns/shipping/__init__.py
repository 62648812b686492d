"""Shipping rules that touch no database: address validation by country
(addresses.py), tracking-number formats by carrier (tracking_numbers.py), the shipment
status machine (status.py), carrier-tracking webhook adapters (carriers.py) and the
webhook secret's encryption at rest (secrets.py)."""
