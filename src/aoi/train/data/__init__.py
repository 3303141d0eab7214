"""Training data: Observer step samples, Evolver pairs, splits and balancing."""
