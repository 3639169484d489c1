"""What the map holds: the kinds of item, their fields and the fixed vocabularies."""
