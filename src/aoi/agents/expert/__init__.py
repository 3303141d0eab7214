"""The rule-based expert: a deterministic SRE that plays the Observer's role.

It is the project's baseline, the teacher for training data and the end-to-end
check of the runtime. It learns only from what commands print.
"""

from aoi.agents.expert.observer import ExpertObserver

__all__ = ["ExpertObserver"]
