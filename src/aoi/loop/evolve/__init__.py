"""The Evolver: failed (or successful) trajectories in, corrected command plans out, each scored by execution."""
