"""The admissions exception hierarchy; each refusal names the field and the rule."""

from coso_backbone.errors import CosoError, InvalidInput, NotFound


class AdmissionsError(CosoError):
    """Base of every refusal by admissions."""


class InvalidCandidate(AdmissionsError, InvalidInput):
    """A candidate's data breaks a rule (a future proposal date, a reference that is not opaque)."""


class UnknownEnterprise(AdmissionsError, NotFound):
    """The enterprise has not been registered, as far as the registry's events tell admissions."""

    def __init__(self, enterprise_id: str) -> None:
        super().__init__(
            f"enterprise {enterprise_id} is not known to admissions: no EnterpriseRegistered event "
            "from the registry has named it",
            field="enterprise_id",
            rule="registered in the registry",
        )
        self.enterprise_id = enterprise_id


class UnknownAuthority(AdmissionsError, NotFound):
    """The authority is not known, as far as the registry's events tell admissions."""

    def __init__(self, authority_id: str) -> None:
        super().__init__(
            f"authority {authority_id} is not known to admissions",
            field="authority_id",
            rule="registered in the registry",
        )


class UnknownCandidate(AdmissionsError, NotFound):
    def __init__(self, candidate_id: str) -> None:
        super().__init__(f"candidate {candidate_id} was never proposed", field="candidate_id", rule="exists")
