"""Monitoring's domain errors: what its rules refuse, said without HTTP (services/monitoring/problems.py
answers each as problem+json at the edge)."""


class DomainError(Exception):
    """A request monitoring's rules refuse."""


class InvalidValue(DomainError):
    """One field's value the rules cannot take (e.g. a report month not yet begun)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
