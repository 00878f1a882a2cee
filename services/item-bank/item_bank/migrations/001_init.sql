-- The item bank's own schema. Filled in by the item-bank migrations that follow.
CREATE SCHEMA IF NOT EXISTS item_bank;
