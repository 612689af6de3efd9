-- Operations (issue 12): each server's alerts channel, when each kind of alert was last posted
-- there (at most once an hour), why the public encouragement last failed, and FAQ usage
-- counted per server.

-- Where the bot posts operational problems for this server's team; NULL: nowhere.
ALTER TABLE guild_settings ADD COLUMN alerts_channel_id INTEGER;

-- One row per server and kind: the hour starts at sent_at. Claimed with one conditional
-- upsert before posting, so two problems at once post one alert, and a channel that refuses
-- the post is not tried again within the hour.
CREATE TABLE alerts_sent (
    guild_id INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('public_post', 'deliveries', 'content')),
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, kind)
) STRICT;

-- The last public post that Discord refused, and why (a Discord error, never member text),
-- shown by /admin encouragement until a post succeeds or the channel changes.
ALTER TABLE public_encouragement ADD COLUMN last_failure TEXT;
ALTER TABLE public_encouragement ADD COLUMN last_failure_at INTEGER;

-- FAQ usage per server. guild_id 0 stands for "no server": a question asked in DMs by someone
-- who never enrolled in one (0 is never a Discord id; NULL cannot take part in the upsert's
-- conflict target). SQLite cannot change a primary key in place, so the table is rebuilt.
CREATE TABLE faq_usage_new (
    guild_id INTEGER NOT NULL CHECK (guild_id >= 0),
    topic TEXT NOT NULL,
    answered INTEGER NOT NULL DEFAULT 0 CHECK (answered >= 0),
    PRIMARY KEY (guild_id, topic)
) STRICT;

-- Counts from before were not recorded per server. When every enrolled member enrolled in one
-- and the same server, that is the server they were asked in (a bot with one home server);
-- otherwise nobody can tell, and they are kept under 0.
INSERT INTO faq_usage_new (guild_id, topic, answered)
SELECT (SELECT CASE WHEN COUNT(DISTINCT guild_id) = 1 THEN MAX(guild_id) ELSE 0 END
        FROM programs WHERE guild_id IS NOT NULL),
       topic, answered
FROM faq_usage;

DROP TABLE faq_usage;
ALTER TABLE faq_usage_new RENAME TO faq_usage;
