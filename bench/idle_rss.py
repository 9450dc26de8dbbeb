# Intentionally empty: measures the interpreter's baseline peak RSS.
if __name__ == "__main__":
    pass
