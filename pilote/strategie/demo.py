"""Demo content of the strategy app (filled in demo.py)."""


def prepare_demo() -> list[str]:
    return []
