-- Bulk tagging writes a new version like any edit, recorded as 'tagged' in the audit trail
-- (the comment says which tags were added); imports that update an item record 'imported'.
ALTER TABLE item_bank.audit DROP CONSTRAINT audit_action_check;
ALTER TABLE item_bank.audit ADD CONSTRAINT audit_action_check
    CHECK (action IN ('created', 'edited', 'imported', 'seeded', 'transition', 'tagged'));
