"""Regions, organisations, municipalities and who may see which of them."""
