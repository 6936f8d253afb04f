"""The plan's indicator catalogue, computed snapshots, manually reported figures and monthly reports."""
