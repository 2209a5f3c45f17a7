"""One module per stage. Each exposes `run(ctx) -> artifact`, reading the previous stage's artifact
from the day's work folder and writing its own there."""
