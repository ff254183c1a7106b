"""Who may do what in routing."""

CATALOG_READERS = ("secretariat", "agency", "committee", "admin")
CATALOG_WRITERS = ("admin",)
ROUTING_READERS = ("secretariat", "committee", "admin", "agency")  # an agency: only its own petitions
ROUTING_DECIDERS = ("secretariat",)
MODEL_READERS = ("secretariat", "committee", "admin")
MODEL_TRAINERS = ("admin",)
