"""What the applications' programs do: reach each other (network), log, export telemetry, react to flags.

Derived from the world's state on demand and read through `view.WorldView`.
"""
