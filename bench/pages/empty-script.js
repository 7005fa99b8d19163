// Intentionally empty: the baseline of install-empty.html.
