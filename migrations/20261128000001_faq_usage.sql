-- How often each FAQ topic is answered: counts per topic only, never who asked.
CREATE TABLE faq_usage (
    topic TEXT PRIMARY KEY NOT NULL,
    answered INTEGER NOT NULL DEFAULT 0 CHECK (answered >= 0)
) STRICT;
