from .studies import HealthCategoryAdmin, ResearchActivityAdmin, SponsorAdmin, StudyAdmin

__all__ = ["HealthCategoryAdmin", "ResearchActivityAdmin", "SponsorAdmin", "StudyAdmin"]
