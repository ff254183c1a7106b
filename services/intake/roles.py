"""Who may do what in intake: the secretariat enters; the committee and admins read."""

WRITERS = ("secretariat", "admin")
READERS = ("secretariat", "committee", "admin")
# Petitioners' names, addresses and phones are shown to the secretariat only.
PERSONAL_DATA_READERS = ("secretariat",)
