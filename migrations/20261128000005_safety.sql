-- The safety net: a member's country (whose support lines come first), the server where
-- they enrolled (whose support team they may ask to reach out), and each server's own
-- settings (its private support-team channel).

ALTER TABLE members ADD COLUMN region TEXT CHECK (region IS NULL OR (length(region) = 2 AND region = upper(region)));
-- NULL when the member enrolled from DMs.
ALTER TABLE programs ADD COLUMN guild_id INTEGER;

CREATE TABLE guild_settings (
    guild_id INTEGER PRIMARY KEY NOT NULL,
    support_channel_id INTEGER,            -- where "ask the support team" posts; never words
    updated_at INTEGER NOT NULL
) STRICT;
