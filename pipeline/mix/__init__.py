"""Stage 4, mix: the lines laid out with music, mastered, encoded, checked and tagged -> episode.mp3."""
