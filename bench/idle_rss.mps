# Intentionally empty: measures the interpreter's baseline peak RSS.
