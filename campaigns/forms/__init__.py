"""Forms for the campaign pages and the portal, one module per concern. They parse and
shape input; every rule about what is allowed lives in campaigns.services."""
