"""Errors of the DECP import: a file-level failure leaves the store untouched and carries a French message."""


class ImportFailed(Exception):
    """A whole input cannot be imported (unreadable, not DECP, unsafe…): the import stops, the store is unchanged.

    `fichier` and `position` say where (position: byte offset, line or record number, as `where` describes).
    """

    def __init__(self, message, *, fichier=None, where=None):
        self.message = message
        self.fichier = fichier
        self.where = where
        super().__init__(self.french())

    def french(self):
        parts = []
        if self.fichier:
            parts.append(f"Fichier « {self.fichier} »")
        if self.where:
            parts.append(self.where)
        prefix = ", ".join(parts)
        return f"{prefix} : {self.message}" if prefix else self.message


class ImportBusy(ImportFailed):
    """Another import holds the store lock."""
