"""CSV/XLSX import of orders; see services.py."""
