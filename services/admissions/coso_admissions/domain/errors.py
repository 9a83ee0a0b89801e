"""The admissions exception hierarchy; each refusal names the field and the rule."""

from coso_backbone.errors import Conflict, CosoError, Forbidden, InvalidInput, NotFound, Unauthenticated


class AdmissionsError(CosoError):
    """Base of every refusal by admissions."""


class InvalidCandidate(AdmissionsError, InvalidInput):
    """A candidate's data breaks a rule (a future proposal date, a reference that is not opaque)."""


class UnknownEnterprise(AdmissionsError, NotFound):
    """The enterprise has not been registered, as far as the registry's events tell admissions."""

    def __init__(self, enterprise_id: str, field: str = "enterprise_id") -> None:
        super().__init__(
            f"enterprise {enterprise_id} is not known to admissions: no EnterpriseRegistered event "
            "from the registry has named it",
            field=field,
            rule="registered in the registry",
        )
        self.enterprise_id = enterprise_id


class UnknownAuthority(AdmissionsError, NotFound):
    """The authority is not known, as far as the registry's events tell admissions."""

    def __init__(self, authority_id: str, field: str = "authority_id") -> None:
        super().__init__(
            f"authority {authority_id} is not known to admissions",
            field=field,
            rule="registered in the registry",
        )


class UnknownCandidate(AdmissionsError, NotFound):
    def __init__(self, candidate_id: str) -> None:
        super().__init__(f"candidate {candidate_id} was never proposed", field="candidate_id", rule="exists")


class StepRefused(AdmissionsError, InvalidInput):
    """A step of the pipeline breaks one of its rules (introducers, vote share, a deadline, a date)."""


class StepOutOfOrder(AdmissionsError, Conflict):
    """A step was asked for at a stage where it cannot come (stage order, a closed file)."""


class CandidateChanged(AdmissionsError, Conflict):
    """Someone else changed the candidate since the caller read it (optimistic concurrency)."""

    def __init__(self, candidate_id: str, expected: int, actual: int | None = None) -> None:
        now = "was changed by another writer meanwhile" if actual is None else f"is at version {actual}"
        super().__init__(
            f"candidate {candidate_id} {now}, the command expected version {expected}; reload it and retry",
            field="expected_version",
            rule="matches the candidate's current version",
        )


class UnknownStep(AdmissionsError, NotFound):
    def __init__(self, step: str, known: list[str]) -> None:
        super().__init__(
            f"{step!r} is not a step of the admission pipeline; steps: {', '.join(known)}",
            field="step",
            rule="one of the pipeline's steps",
        )


class PersonalDataUnavailable(AdmissionsError, Conflict):
    """Personal data cannot be sealed or read: this deployment has no master key configured."""

    def __init__(self) -> None:
        super().__init__(
            "this admissions deployment has no master key for personal data (COSO_ADMISSIONS_MASTER_KEYS)",
            field="personal",
            rule="personal data is accepted only when a master key is configured",
        )


class UnknownMember(AdmissionsError, NotFound):
    def __init__(self, member_id: str) -> None:
        super().__init__(f"member {member_id} is not in admissions' records", field="member_id", rule="exists")


class MemberAlreadyImported(AdmissionsError, Conflict):
    def __init__(self, member_id: str) -> None:
        super().__init__(f"member {member_id} is already in admissions' records", field="member_id", rule="unique")


class NotSignedIn(AdmissionsError, Unauthenticated):
    """A request without an API token, or with one admissions does not know."""


class AccessDenied(AdmissionsError, Forbidden):
    """The caller's grants do not cover the authority concerned, or not its personal data."""


class InvalidGrant(AdmissionsError, InvalidInput):
    """A grant names no authority or an unknown role."""


class UnknownTransfer(AdmissionsError, NotFound):
    def __init__(self, transfer_id: str) -> None:
        super().__init__(
            f"no transfer {transfer_id} is arriving here", field="transfer_id", rule="an incoming transfer"
        )
