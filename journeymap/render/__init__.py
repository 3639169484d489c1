"""Drawing maps: pure builders (map view -> DOT) and one runner that calls dot with a timeout."""
