-- Members look back and choose their rhythm (issue 13): the days of the week check-ins may
-- come on, a pause with an end, and the outbox row that tells a member their pause is over.

-- `every_day`, `weekdays`, `weekends`, or a list such as `mon,wed,fri` (parsed by the bot;
-- stored in that canonical form).
ALTER TABLE members ADD COLUMN days TEXT NOT NULL DEFAULT 'every_day' CHECK (length(days) BETWEEN 3 AND 27);

-- A pause with an end: the local date it ends on (YYYY-MM-DD, in the member's timezone) and
-- the instant the program resumes by itself. Both NULL for a running program or an
-- open-ended pause; the partial index holds only members waiting for their pause to end.
ALTER TABLE programs ADD COLUMN paused_until TEXT;
ALTER TABLE programs ADD COLUMN resume_at INTEGER;
CREATE INDEX programs_resume_due ON programs (resume_at) WHERE resume_at IS NOT NULL;

-- The outbox learns a fifth kind, 'resumed' (the short DM when a pause ends by itself).
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt with the same
-- columns and indexes, as in 20261128000006.
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('checkin', 'reminder', 'encouragement', 'public', 'resumed')),
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
