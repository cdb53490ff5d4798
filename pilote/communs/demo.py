def prepare_demo():
    return []
