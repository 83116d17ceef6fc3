"""Response services: executions (actions and agent commands), containment, workflows (the engine)."""
