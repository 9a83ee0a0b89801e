"""The registry's exception hierarchy; each refusal names the field and the rule."""

from coso_backbone.errors import Conflict, CosoError, Forbidden, InvalidInput, NotFound, Unauthenticated


class RegistryError(CosoError):
    """Base of every refusal by the registry."""


class InvalidTaxCode(RegistryError, InvalidInput):
    pass


class InvalidAuthority(RegistryError, InvalidInput):
    pass


class UnknownAuthority(RegistryError, NotFound):
    pass


class UnknownEnterprise(RegistryError, NotFound):
    pass


class AuthorityAlreadyRegistered(RegistryError, Conflict):
    pass


class EnterpriseAlreadyRegistered(RegistryError, Conflict):
    """A second registration of a tax code; names the existing enterprise."""

    def __init__(self, tax_code: str, existing_id: str, existing_name: str | None = None) -> None:
        named = f" ({existing_name})" if existing_name else ""
        super().__init__(
            f"tax code {tax_code} is already registered as enterprise {existing_id}{named}",
            field="tax_code",
            rule="unique",
        )
        self.existing_id = existing_id
        self.existing_name = existing_name


class InvalidEnterprise(RegistryError, InvalidInput):
    pass


class AuthorityNoLongerExists(RegistryError, Conflict):
    """A change to an authority after it was merged, split or dissolved."""


class EnterpriseNotOperating(RegistryError, Conflict):
    """A change an enterprise's status forbids (e.g. suspending a closed enterprise)."""


class StaleVersion(RegistryError, Conflict):
    """The caller changed a record on the basis of an outdated version."""


class NotSignedIn(RegistryError, Unauthenticated):
    """A request without an API token, or with one the registry does not know."""


class AccessDenied(RegistryError, Forbidden):
    """The caller's grants do not cover the authority concerned."""


class InvalidQuery(RegistryError, InvalidInput):
    """A query parameter that cannot be understood (e.g. a malformed date)."""


class InvalidConfiguration(RegistryError, InvalidInput):
    """A registry option in `coso.options` that cannot be used."""


class InvalidOrganization(RegistryError, InvalidInput):
    pass


class UnknownOrganization(RegistryError, NotFound):
    pass


class OrganizationDissolvedAlready(RegistryError, Conflict):
    """A change to a party organization after its dissolution."""


class EnterpriseAlreadyCovered(RegistryError, Conflict):
    """An enterprise that an active party organization already covers."""
