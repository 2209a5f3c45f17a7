"""The thresholds and weights of event clustering (REPORT in the README: how they were chosen)."""

THRESHOLD = 1.5            # evidence two items need to be one story
BODY_SALIENCE = 0.6        # an entity or figure outside headline and first sentence
PLACE_WEIGHT = 0.3         # a well-known place or nationality
LEXICAL_NAME_WEIGHT = 0.5  # a name made only of dictionary words ("Series A", "Keel Ventures")
NAME_WEIGHT = 1.0          # a distinctive name: company, person, product, small place
CHAR_WEIGHT = 2.0
CHAR_FLOOR = 0.10
FULL_TIME_HOURS = 24.0     # same-story evidence counts fully within this gap ...
ZERO_TIME_HOURS = 72.0     # ... and not at all beyond this one
RARITY_PER_SOURCE = 2.0    # a name carried by more than ~2 items per source in the batch weighs less
DEDUPE_TEXT_OVERLAP = 0.6  # word overlap of a same-source, same-title re-post

FIGURE_WEIGHTS = {
    "money": 1.0, "power": 1.0, "energy": 1.0, "voltage": 1.0, "length": 0.8, "mass": 0.8, "area": 0.8,
    "frequency": 0.8, "torque": 0.8, "temperature": 0.5, "pct": 0.5, "pp": 0.5, "duration": 0.4,
    "year": 0.25, "date": 0.3,
}
