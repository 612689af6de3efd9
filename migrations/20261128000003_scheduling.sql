-- Scheduling: when each member's next check-in and encouragement are due, the durable
-- outbox of messages to send, and each server's public encouragement post.

-- NULL means "nothing scheduled" (paused, finished, unreachable): the partial indexes below
-- then hold only members with something due, so a run with nothing due is a few index reads.
ALTER TABLE programs ADD COLUMN next_checkin_date TEXT;          -- local date of the slot
ALTER TABLE programs ADD COLUMN next_checkin_at INTEGER;         -- its instant
ALTER TABLE programs ADD COLUMN next_encouragement_at INTEGER;
ALTER TABLE programs ADD COLUMN last_encouragement INTEGER;      -- index in the step's list
CREATE INDEX programs_checkin_due ON programs (next_checkin_at) WHERE next_checkin_at IS NOT NULL;
CREATE INDEX programs_encouragement_due ON programs (next_encouragement_at)
    WHERE next_encouragement_at IS NOT NULL;

ALTER TABLE checkins ADD COLUMN reminded INTEGER NOT NULL DEFAULT 0 CHECK (reminded IN (0, 1));
CREATE INDEX checkins_awaiting_reminder ON checkins (sent_at) WHERE status = 'open' AND reminded = 0;

-- Every scheduled message is a row here before it is sent. The nonce is deterministic
-- (kind + member + slot) and sent with enforce_nonce, so a re-send after a crash between
-- "sent" and "marked" is de-duplicated by Discord.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('checkin', 'reminder', 'encouragement', 'public')),
    member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,  -- NULL for public posts
    channel_id INTEGER,                                            -- public posts
    checkin_id INTEGER REFERENCES checkins (id) ON DELETE CASCADE,
    step INTEGER,                                                  -- encouragement
    message_index INTEGER,                                         -- encouragement, public
    nonce TEXT NOT NULL UNIQUE CHECK (length(nonce) <= 25),
    due_at INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at INTEGER
) STRICT;
CREATE INDEX outbox_pending ON outbox (due_at) WHERE status = 'pending';
CREATE INDEX outbox_by_member ON outbox (member_id);

CREATE TABLE public_encouragement (
    guild_id INTEGER PRIMARY KEY NOT NULL,
    channel_id INTEGER NOT NULL,
    post_time TEXT NOT NULL,                  -- HH:MM local
    timezone TEXT NOT NULL,
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    next_post_date TEXT,
    next_post_at INTEGER,                     -- NULL when disabled
    next_index INTEGER NOT NULL DEFAULT 0     -- cycles through every message before repeating
) STRICT;
CREATE INDEX public_encouragement_due ON public_encouragement (next_post_at) WHERE next_post_at IS NOT NULL;
