"""Industry collaboration (NorTrials): sponsors' feasibility requests and the organisations'
answers, interest profiles, site suggestions, agreements and milestones, sponsor contacts and the
site capability profile. An app of its own (label ``industry``) inside ``trials``: it reads
studies, sites and sponsors; ``trials`` itself reads only the public capability profile from it."""
