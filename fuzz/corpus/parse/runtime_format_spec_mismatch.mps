print(f"{"text":d}")
