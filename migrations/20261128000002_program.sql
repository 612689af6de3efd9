-- The private program: members, where they stand, their check-ins and their words.
-- Times are Unix seconds (UTC). Every table about a member cascades from `members`, so
-- deleting a member's row deletes everything about them.

CREATE TABLE members (
    id INTEGER PRIMARY KEY NOT NULL,             -- Discord user id
    timezone TEXT NOT NULL,                      -- IANA name
    checkin_time TEXT NOT NULL,                  -- HH:MM, local
    frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'every_2_days', 'weekly')),
    encouragement INTEGER NOT NULL CHECK (encouragement IN (0, 1)),
    reachable INTEGER NOT NULL DEFAULT 1 CHECK (reachable IN (0, 1)),
    unreachable_notice_pending INTEGER NOT NULL DEFAULT 0 CHECK (unreachable_notice_pending IN (0, 1)),
    dm_channel_id INTEGER,                       -- cached: saves a request per DM
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE programs (
    member_id INTEGER PRIMARY KEY NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 7),
    step_since INTEGER NOT NULL,
    paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    outcome TEXT CHECK (outcome IN ('reconnecting', 'still_unsure', 'moving_on')),
    finished_at INTEGER,
    enrolled_at INTEGER NOT NULL,
    CHECK ((outcome IS NULL) = (finished_at IS NULL))
) STRICT;

CREATE TABLE step_history (
    id INTEGER PRIMARY KEY NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 7),
    outcome TEXT,
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX step_history_by_member ON step_history (member_id, id);

CREATE TABLE checkins (
    id INTEGER PRIMARY KEY NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 7),
    prompt_index INTEGER NOT NULL CHECK (prompt_index >= 0),
    sent_at INTEGER NOT NULL,
    answered_at INTEGER,
    mood INTEGER CHECK (mood BETWEEN 1 AND 5),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'snoozed', 'missed'))
) STRICT;
CREATE INDEX checkins_by_member ON checkins (member_id, id);

-- A reflection answers a check-in; a journal entry (checkin_id NULL) stands alone.
CREATE TABLE reflections (
    id INTEGER PRIMARY KEY NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    checkin_id INTEGER REFERENCES checkins (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX reflections_by_member ON reflections (member_id, id);
CREATE INDEX reflections_by_age ON reflections (created_at);
