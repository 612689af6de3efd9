-- An outbox row can now also be cancelled (no longer wanted when its turn came: its
-- check-in was superseded or answered, its member paused) or expired (too old to send after
-- downtime). Neither is ever sent. SQLite cannot change a CHECK constraint in place, so the
-- table is rebuilt with the same columns and indexes.

CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('checkin', 'reminder', 'encouragement', 'public')),
    member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,  -- NULL for public posts
    channel_id INTEGER,                                            -- public posts
    checkin_id INTEGER REFERENCES checkins (id) ON DELETE CASCADE,
    step INTEGER,                                                  -- encouragement
    message_index INTEGER,                                         -- encouragement, public
    nonce TEXT NOT NULL UNIQUE CHECK (length(nonce) <= 25),
    due_at INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'failed', 'cancelled', 'expired')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at INTEGER
) STRICT;

INSERT INTO outbox_new (id, kind, member_id, channel_id, checkin_id, step, message_index, nonce,
                        due_at, status, attempts, last_error, sent_at)
SELECT id, kind, member_id, channel_id, checkin_id, step, message_index, nonce,
       due_at, status, attempts, last_error, sent_at
FROM outbox;

DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

CREATE INDEX outbox_pending ON outbox (due_at) WHERE status = 'pending';
CREATE INDEX outbox_by_member ON outbox (member_id);
CREATE INDEX outbox_done ON outbox (due_at) WHERE status != 'pending';
