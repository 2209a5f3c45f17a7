"""Stage 1, stories: the sources' items, fetched, clustered by event and ranked -> stories.json."""
