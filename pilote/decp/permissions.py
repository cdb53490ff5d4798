"""Who may do what with the contract data (DECP).

The contract store is shared by every organisation (it is national open data): importing into it is a
support-service task (service d'appui, administrateur); import runs are listed per organisation."""

from pilote.core.enums import Role


CAN_IMPORT = frozenset({Role.APPUI, Role.ADMIN})
