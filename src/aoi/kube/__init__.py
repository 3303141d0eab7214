"""Facts about Kubernetes' own tools that every part of AOI shares: kubectl's flags and their parsing."""
