-- Schema 1 of Follow Through on PostgreSQL. Applied by Open, in one
-- transaction, under an advisory lock: several instances starting at
-- once apply it once.
--
-- Every key that is a platform's id, a group or a platform name is
-- COLLATE "C": ordered by bytes, as the bbolt store orders its keys,
-- whatever the database's locale. Free text lives only inside json
-- documents (json, not jsonb: it keeps the text as written, \u0000
-- included).

-- meta holds the database's own values: the key event ids and the
-- people they belong to are hashed with (event_key), made once.
CREATE TABLE meta (
    key   text PRIMARY KEY,
    value bytea NOT NULL
);

-- people: one row a person. version guards every write (optimistic
-- concurrency: a commit names the version it read); next_due is the
-- due index (Schedule.Next, to the second; NULL when none); doc is the
-- bot.Person as JSON.
CREATE TABLE people (
    id       text COLLATE "C" PRIMARY KEY,
    version  bigint NOT NULL CHECK (version > 0),
    next_due timestamptz,
    doc      json NOT NULL
);
CREATE INDEX people_due ON people (next_due, id) WHERE next_due IS NOT NULL;

-- memberships is the group index: one row per person and group, kept
-- in step with the person's doc by every write.
CREATE TABLE memberships (
    grp    text COLLATE "C" NOT NULL,
    person text COLLATE "C" NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    PRIMARY KEY (grp, person)
);
CREATE INDEX memberships_person ON memberships (person);

-- A person's records. Times are nanoseconds since 1970 (as the bbolt
-- store keys them): a check-in or a rating at the same instant as
-- another replaces it, so the instant must be exact.
CREATE TABLE checkins (
    person text COLLATE "C" NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    at_ns  bigint NOT NULL,
    doc    json NOT NULL,
    PRIMARY KEY (person, at_ns)
);
CREATE TABLE wins (
    person text COLLATE "C" NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    at_ns  bigint NOT NULL,
    seq    bigserial,
    doc    json NOT NULL,
    PRIMARY KEY (person, at_ns, seq)
);
CREATE TABLE ratings (
    person text COLLATE "C" NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    at_ns  bigint NOT NULL,
    doc    json NOT NULL,
    PRIMARY KEY (person, at_ns)
);

-- outbox: replies waiting to be sent, in seq order per platform.
-- conversation is the key order holds by (a group's channel, or a
-- person's DMs); recipient, grp and about say whose a reply is, for
-- forgetting. claimed_by and claimed_until are for senders on several
-- instances, which lease entries before they send them: unused by
-- schema 1's code, which has one sender per platform.
CREATE TABLE outbox (
    seq           bigserial PRIMARY KEY,
    platform      text COLLATE "C" NOT NULL,
    conversation  text COLLATE "C" NOT NULL,
    recipient     text COLLATE "C",
    grp           text COLLATE "C",
    about         text[] COLLATE "C",
    queued        timestamptz NOT NULL,
    doc           json NOT NULL,
    claimed_by    text,
    claimed_until timestamptz
);
CREATE INDEX outbox_platform ON outbox (platform, seq);
CREATE INDEX outbox_conversation ON outbox (platform, conversation, seq);
CREATE INDEX outbox_recipient ON outbox (recipient);

-- undeliverable: replies a platform refused for good, under their
-- outbox seq, with why (inside doc).
CREATE TABLE undeliverable (
    platform  text COLLATE "C" NOT NULL,
    seq       bigint NOT NULL,
    recipient text COLLATE "C",
    grp       text COLLATE "C",
    about     text[] COLLATE "C",
    doc       json NOT NULL,
    PRIMARY KEY (platform, seq)
);

-- addresses: how a platform reaches a person (bot.Address as JSON).
CREATE TABLE addresses (
    person text COLLATE "C" PRIMARY KEY,
    doc    json NOT NULL
);

-- group_settings: a group's choices made with setup.
CREATE TABLE group_settings (
    grp text COLLATE "C" PRIMARY KEY,
    doc json NOT NULL
);

-- weekly: when each group's weekly round was last queued.
CREATE TABLE weekly (
    grp   text COLLATE "C" PRIMARY KEY,
    at_ns bigint NOT NULL
);

-- event_ids: inbound events handled, as keyed hashes (HMAC-SHA256
-- under meta's event_key, cut to 16 bytes), with the hash of the
-- person whose event it was (NULL for a forget's confirmation), so that
-- nothing here reads as anyone and Forget finds exactly theirs.
CREATE TABLE event_ids (
    hash   bytea PRIMARY KEY,
    at_ns  bigint NOT NULL,
    person bytea
);
CREATE INDEX event_ids_at ON event_ids (at_ns);
CREATE INDEX event_ids_person ON event_ids (person) WHERE person IS NOT NULL;

-- leases: named, expiring claims for work that one instance at a time
-- does (a Discord shard, a platform's sender): holder, and until when.
-- Unused by schema 1's code; there for instances sharing work.
CREATE TABLE leases (
    name   text COLLATE "C" PRIMARY KEY,
    holder text NOT NULL,
    until  timestamptz NOT NULL
);

-- rates: a token bucket per platform-wide limit, shared by instances
-- (tokens left, and when it was last filled). Unused by schema 1's code.
CREATE TABLE rates (
    name   text COLLATE "C" PRIMARY KEY,
    tokens double precision NOT NULL,
    at     timestamptz NOT NULL
);
