"""Stage 5, publish: the episode onto the publish target, the index and a new feed.xml."""
