"""What keeps the show going unattended: schedule, deadline guard, lock, history, alerts, review, checks."""
