"""The closed loop: Judge, Purifier, Evolver and guidance, each checked by execution on the twin.

Every claim the loop makes about a command sequence is checked by replaying it on
a fresh twin of the same task and seed (`aoi.loop.replay`): the Purifier's
shortest paths, the evidence reader's answers, the Evolver's plans.
"""
