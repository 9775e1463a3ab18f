"""Domain errors raised by services. Views and APIs turn them into messages or 4xx answers."""


class DomainError(Exception):
    """A request that the business rules refuse (not a bug)."""


class InvalidTransition(DomainError):
    def __init__(self, obj: object, current: str, target: str) -> None:
        super().__init__(f"{obj} cannot move from {current!r} to {target!r}.")
        self.current = current
        self.target = target


class PermissionDenied(DomainError):
    """The acting user may not do this."""
