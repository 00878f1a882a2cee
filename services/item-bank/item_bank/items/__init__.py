"""The items: authoring, versions, the review workflow, bulk actions, search, the feed to delivery.

handlers -> service (takes the pool, owns the transaction) -> repository (SQL, typed rows);
schemas are the wire messages; validation, workflow, diff, cursors and search are pure rules."""
