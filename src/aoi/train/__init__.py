"""GRPO and SFT training of the Observer and the Evolver on TRL (the `train` extra)."""
