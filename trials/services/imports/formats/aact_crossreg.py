"""The cross-registration table of an AACT extract (the Nordic trial-reporting study's
``nordic_all``: one row per registration, ClinicalTrials.gov or EUCTR, with ``nct_id``,
``eudract_id``, ``name_of_sponsor``, ``spon_prot_number`` …). It holds no trial of its own: its
rows complete the trials of the extract's studies table (``aact.join``)."""

FORMAT = "aact_crossreg"
LABEL = "AACT-krysskobling (ClinicalTrials.gov/EUCTR)"
COLUMNS = {"nct_id", "eudract_id", "name_of_sponsor", "registry"}
