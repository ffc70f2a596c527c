"""Each role's home as its work queue: what needs doing, gathered from the apps, ranked."""
