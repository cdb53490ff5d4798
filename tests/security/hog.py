"""A child that asks for more memory than its limit (tests/security/test_uploads.py runs it through
pilote.core.sandbox): `python -m tests.security.hog`."""

from pilote.core import sandbox


def allocate(data: bytes):
    return len(bytearray(int(data or b"0")))


if __name__ == "__main__":
    sandbox.child_main(allocate)
