"""Studies, their identifiers and classification, participating sites and sponsors; industry
collaboration (``trials.industry``) and results reporting (``trials.results``) are apps of their
own inside it."""
