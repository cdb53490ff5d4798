"""The steps of a DECP import, one module each, run in this order by pilote.decp.pipeline:

materialise → read_and_clean → identify → score_quality → write_tables → prepare (beside it: verify) → publish
"""
