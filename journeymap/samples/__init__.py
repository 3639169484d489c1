"""Maps made by the app itself: the demo map and its accounts, and synthetic maps for load tests."""
