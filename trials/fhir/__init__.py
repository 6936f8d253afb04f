"""FHIR R4B read access to published studies: ResearchStudy search and read."""
