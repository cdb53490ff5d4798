"""Demo content of the territory (filled in below)."""


def prepare_demo() -> list[str]:
    return []
