"""The demo content of each app (`manage.py demo`), registered in the app's AppConfig.ready: a function
`prepare_demo() -> list[str]` that creates what is missing and names it. Registration follows INSTALLED_APPS,
so core's organisations and people exist before the content that belongs to them."""

_DEMOS: list = []


def register_demo(function) -> None:
    if function not in _DEMOS:
        _DEMOS.append(function)


def demos() -> list:
    return list(_DEMOS)
