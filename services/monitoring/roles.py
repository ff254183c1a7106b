"""Who may do what in monitoring."""

# Officers who follow every petition; agencies see only their own.
OVERSEERS = ("secretariat", "committee", "admin")
PETITION_READERS = (*OVERSEERS, "agency")
STATUS_WRITERS = ("agency",)
# Giám sát xác suất and the monthly review belong to the standing committee.
SPOT_CHECK_WRITERS = ("committee",)
SPOT_CHECK_READERS = ("committee", "admin", "secretariat")
REPORT_READERS = ("committee", "admin", "secretariat")
