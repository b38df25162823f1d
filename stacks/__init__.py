"""The stacks of the project: each composes components for one account role."""
