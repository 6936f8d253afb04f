"""Studies, their identifiers and classification, participating sites, sponsors and agreements."""
