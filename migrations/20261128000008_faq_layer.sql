-- Each server's FAQ, edited from Discord (`/admin faq`), as a layer over config/content.toml:
-- the file stays the default; a 'put' row replaces the file's entry with the same key, or
-- adds an entry when the file has none; a 'hide' row hides the file's entry in that server.
-- Nothing here is about a member, except who made each change (`faq_changes.admin_id`).

CREATE TABLE faq_layer (
    -- Added entries are shown in the order they were first added: an edit updates the row
    -- in place (UPSERT keeps the id), so it keeps its place.
    id INTEGER PRIMARY KEY NOT NULL,
    guild_id INTEGER NOT NULL,
    key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
    kind TEXT NOT NULL CHECK (kind IN ('put', 'hide')),
    question TEXT,
    answer TEXT,
    aliases TEXT,                                -- a JSON array of strings
    CHECK ((kind = 'put') = (question IS NOT NULL AND answer IS NOT NULL AND aliases IS NOT NULL)),
    CHECK (kind = 'put' OR (question IS NULL AND answer IS NULL AND aliases IS NULL)),
    CHECK (aliases IS NULL OR (json_valid(aliases) AND json_type(aliases) = 'array')),
    UNIQUE (guild_id, key)
) STRICT;

-- Who changed what, and when: `/admin faq history`. A row's id is also the revision of its
-- key in that server: an edit opened at one revision is refused if another came since, so
-- two admins editing the same entry never silently overwrite each other.
CREATE TABLE faq_changes (
    id INTEGER PRIMARY KEY NOT NULL,
    guild_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('added', 'edited', 'removed')),
    question TEXT NOT NULL,                      -- as it read after the change (removed: before)
    admin_id INTEGER,                            -- Discord user id; NULL once they erased their data
    at INTEGER NOT NULL
) STRICT;
CREATE INDEX faq_changes_by_guild ON faq_changes (guild_id, id);
CREATE INDEX faq_changes_by_key ON faq_changes (guild_id, key, id);
