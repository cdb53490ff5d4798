def register_panels():
    pass
