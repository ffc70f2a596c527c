"""The one error type the clinical core raises for bad input."""

from __future__ import annotations


class ClinicalInputError(ValueError):
    """Invalid clinical input; the message names the field and the problem.

    ``str(error)`` reads like ``"depigmentation: must be one of 0, 10, 25, 50, 75, 90, 100 %"``,
    so a form, an API response or a command line can show it as it is.
    """

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem

    def within(self, prefix: str) -> ClinicalInputError:
        """The same problem, with the field placed inside ``prefix`` (e.g. ``entries[2]``)."""
        return ClinicalInputError(f"{prefix}.{self.field}", self.problem)
