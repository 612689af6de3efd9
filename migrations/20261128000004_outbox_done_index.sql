-- Sent and failed outbox rows are purged after a week; this index keeps that purge from
-- scanning the table.
CREATE INDEX outbox_done ON outbox (due_at) WHERE status != 'pending';
