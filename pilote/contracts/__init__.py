"""The read layer of the contract data: the only package that knows how the current DECP generation is read.

It owns the DuckDB access (`db`), the filters (`filters`, one object per filter), the definitions of every
concept the figures rest on (`semantics`), the tables prepared inside each generation (`table`, `cube`, the
search index in `search/`), the SIRENE extracts of organisations (`models`, `sirene*`) and the queries that
cockpit, explorer, fiches, census, exports and the API read through. Apps above it never open a Parquet file
nor write a WHERE clause.
"""
