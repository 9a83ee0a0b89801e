"""The registry's exception hierarchy; each refusal names the field and the rule."""

from coso_backbone.errors import Conflict, CosoError, InvalidInput, NotFound


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

    def __init__(self, tax_code: str, existing_id: str) -> None:
        super().__init__(
            f"tax code {tax_code} is already registered as enterprise {existing_id}",
            field="tax_code",
            rule="unique",
        )
        self.existing_id = existing_id


class InvalidEnterprise(RegistryError, InvalidInput):
    pass
