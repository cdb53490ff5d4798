"""The explorer keeps nothing in the database: the SIRENE extracts it shows moved to pilote.contracts.models
(contract reference data, shared with the cockpit)."""
