"""The item read model: the item bank's feed, difficulties, the approved pool in memory."""
