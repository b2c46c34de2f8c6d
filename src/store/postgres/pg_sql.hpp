#pragma once
// Every SQL text of the PostgreSQL backend, in one place: the migrations and the statements.
// What differs from the SQLite dialect (src/store/sqlite/) shows here and nowhere else:
//   - BIGINT for times and seqs, BOOLEAN for flags, JSONB for the message metadata (read back
//     as text), COLLATE "C" on ids and keys that are compared by range or sorted by byte;
//   - $n parameters; GREATEST/LEAST for max/min; ON CONFLICT instead of INSERT OR IGNORE;
//   - batches as one statement over unnest($n::text[], ...) arrays instead of a loop;
//   - row locks (FOR UPDATE) and advisory locks where SQLite relied on its single writer;
//   - search by pg_trgm (a GIN trigram index under ILIKE) instead of an FTS5 side file.
// Statements are prepared once per connection, keyed by the address of these literals.
#include <array>
#include <cstddef>
#include <string>

namespace gc::store::postgres::sql {

// Append only: a released migration is never edited, a change is a new step. The steps match
// SQLite's one for one (the same version number means the same tables), except those of
// search: step 5 built a trigram index on messages where SQLite adds its search change feed,
// and step 7 moves that index off the send path (SQLite's index was always off it).
inline constexpr std::array<const char*, 7> kMigrations = {
    // 1: accounts, conversations, messages, read markers, revoked tokens.
    R"sql(
CREATE TABLE users (
  id            TEXT COLLATE "C" PRIMARY KEY,
  username      TEXT NOT NULL,
  username_key  TEXT COLLATE "C" NOT NULL CONSTRAINT users_username_key_unique UNIQUE,
  email         TEXT NOT NULL,
  email_key     TEXT COLLATE "C" NOT NULL CONSTRAINT users_email_key_unique UNIQUE,
  password_hash TEXT NOT NULL,
  avatar        TEXT NOT NULL DEFAULT '',
  created_at    BIGINT NOT NULL,
  last_seen     BIGINT
);

-- last_seq is the per-conversation counter: a send reserves its seqs with
-- UPDATE ... SET last_seq = last_seq + n RETURNING last_seq in its own transaction, so seqs
-- stay gap-free however many servers write to one conversation.
CREATE TABLE conversations (
  id            TEXT COLLATE "C" PRIMARY KEY,
  kind          TEXT NOT NULL,
  last_seq      BIGINT NOT NULL,
  last_activity BIGINT NOT NULL
);

CREATE TABLE conversation_members (
  user_id         TEXT COLLATE "C" NOT NULL,
  conversation_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (user_id, conversation_id)
);
CREATE INDEX conversation_members_conversation ON conversation_members (conversation_id);

CREATE TABLE messages (
  conversation_id TEXT COLLATE "C" NOT NULL,
  seq             BIGINT NOT NULL,
  id              TEXT COLLATE "C" NOT NULL UNIQUE,
  sender_id       TEXT COLLATE "C" NOT NULL,
  recipient_id    TEXT NOT NULL,
  body            TEXT NOT NULL,
  type            TEXT NOT NULL,
  metadata        JSONB NOT NULL,
  client_msg_id   TEXT,
  created_at      BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, seq),
  -- A retry of a send (same sender, conversation and clientMsgId) is found by this; NULLs
  -- are distinct, so sends without a clientMsgId never collide.
  CONSTRAINT messages_client_msg_id UNIQUE (sender_id, conversation_id, client_msg_id)
);

CREATE TABLE read_markers (
  user_id         TEXT COLLATE "C" NOT NULL,
  conversation_id TEXT COLLATE "C" NOT NULL,
  seq             BIGINT NOT NULL,
  PRIMARY KEY (user_id, conversation_id)
);

CREATE TABLE revoked_tokens (
  jti        TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
)sql",
    // 2: edits with history, tombstones, reactions, replies.
    R"sql(
ALTER TABLE messages ADD COLUMN reply_to TEXT COLLATE "C";
ALTER TABLE messages ADD COLUMN edited_at BIGINT;
ALTER TABLE messages ADD COLUMN deleted_at BIGINT;
UPDATE messages SET metadata = metadata - 'edited' - 'reactions' - 'replyTo';

CREATE TABLE message_versions (
  message_id TEXT COLLATE "C" NOT NULL,
  version    BIGINT NOT NULL,
  body       TEXT NOT NULL,
  written_at BIGINT NOT NULL,
  PRIMARY KEY (message_id, version)
);

CREATE TABLE message_reactions (
  conversation_id TEXT COLLATE "C" NOT NULL,
  seq             BIGINT NOT NULL,
  emoji           TEXT NOT NULL,
  user_id         TEXT COLLATE "C" NOT NULL,
  created_at      BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, seq, emoji, user_id)
);
)sql",
    // 3: groups and their members (and, in the same transactions, conversation_members).
    R"sql(
CREATE TABLE chat_groups (
  id            TEXT COLLATE "C" PRIMARY KEY,
  name          TEXT NOT NULL,
  name_key      TEXT NOT NULL,
  description   TEXT NOT NULL,
  avatar        TEXT NOT NULL,
  is_public     BOOLEAN NOT NULL,
  allow_invites BOOLEAN NOT NULL,
  max_members   INTEGER NOT NULL,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);
CREATE INDEX chat_groups_public ON chat_groups (is_public, id);

CREATE TABLE group_members (
  group_id  TEXT COLLATE "C" NOT NULL,
  user_id   TEXT COLLATE "C" NOT NULL,
  role      TEXT NOT NULL,
  joined_at BIGINT NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id, group_id);
)sql",
    // 4: friendships (one row per pair, user_low < user_high) and blocks.
    R"sql(
CREATE TABLE friendships (
  id           TEXT COLLATE "C" PRIMARY KEY,
  user_low     TEXT COLLATE "C" NOT NULL,
  user_high    TEXT COLLATE "C" NOT NULL,
  requester_id TEXT COLLATE "C" NOT NULL,
  recipient_id TEXT COLLATE "C" NOT NULL,
  status       TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  UNIQUE (user_low, user_high)
);
CREATE INDEX friendships_requester ON friendships (requester_id);
CREATE INDEX friendships_recipient ON friendships (recipient_id);
CREATE INDEX friendships_accepted ON friendships (status) WHERE status = 'accepted';

CREATE TABLE blocks (
  blocker_id TEXT COLLATE "C" NOT NULL,
  blocked_id TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id)
);
)sql",
    // 5: search. A trigram index answers ILIKE '%term%' for terms of 3+ characters; it is
    // updated in the transaction that writes the message, so there is no backlog to follow.
    // pg_trgm ships with the server and is a trusted extension: the database owner may add it.
    R"sql(
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX messages_body_trgm ON messages USING gin (body gin_trgm_ops);
)sql",
    // 6: uploads and the messages that carry them.
    R"sql(
CREATE TABLE uploads (
  id            TEXT COLLATE "C" PRIMARY KEY,
  owner_id      TEXT COLLATE "C" NOT NULL,
  name          TEXT NOT NULL,
  size          BIGINT NOT NULL,
  mime          TEXT NOT NULL,
  sha256        TEXT NOT NULL,
  width         INTEGER,
  height        INTEGER,
  has_thumbnail BOOLEAN NOT NULL,
  created_at    BIGINT NOT NULL
);
CREATE INDEX uploads_owner ON uploads (owner_id);
CREATE INDEX uploads_created ON uploads (created_at);

CREATE TABLE upload_attachments (
  upload_id       TEXT COLLATE "C" NOT NULL,
  message_id      TEXT COLLATE "C" NOT NULL,
  conversation_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (upload_id, message_id)
);
)sql",
    // 7: search off the send path. A trigram index costs a message several times what storing
    // it costs, and its pending list is merged by whichever insert fills it (tens of ms): the
    // index moves to its own table, kept by PgSearchIndexer from a queue of message ids that
    // sends, edits and deletes add to in their own transactions.
    R"sql(
CREATE TABLE search_queue (
  id         BIGSERIAL PRIMARY KEY,
  message_id TEXT COLLATE "C" NOT NULL
);
CREATE TABLE message_search (
  message_id TEXT COLLATE "C" PRIMARY KEY,
  body       TEXT NOT NULL
);
INSERT INTO message_search (message_id, body)
  SELECT id, body FROM messages WHERE deleted_at IS NULL AND type <> 'system';
CREATE INDEX message_search_body_trgm ON message_search USING gin (body gin_trgm_ops);
DROP INDEX messages_body_trgm;
)sql",
};

// --- migrations bookkeeping ---
// One number for the advisory lock that serialises migrations of several starting servers.
inline constexpr const char* kLockMigrations = "SELECT pg_advisory_lock(7283001)";
inline constexpr const char* kUnlockMigrations = "SELECT pg_advisory_unlock(7283001)";
inline constexpr const char* kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS gc_schema_version (version INTEGER NOT NULL)";
inline constexpr const char* kSchemaVersion =
    "SELECT COALESCE((SELECT max(version) FROM gc_schema_version), 0)";
inline constexpr const char* kSetSchemaVersion = "INSERT INTO gc_schema_version VALUES ($1)";
inline constexpr const char* kSelectOne = "SELECT 1";

// --- messages ---
// Columns of a message row, in the order readMessage expects, and the join that brings the
// original of a reply. Queries name the message `m`.
#define GC_PG_MESSAGE_COLUMNS                                                                  \
  "m.id, m.conversation_id, m.seq, m.sender_id, m.recipient_id, m.body, m.type,"               \
  " m.metadata::text, COALESCE(m.client_msg_id, ''), m.created_at, m.edited_at, m.deleted_at," \
  " COALESCE(m.reply_to, ''), o.sender_id, o.seq, o.body, o.deleted_at"
#define GC_PG_MESSAGE_FROM " FROM messages m LEFT JOIN messages o ON o.id = m.reply_to"
// True when the viewer (a text parameter; NULL: nobody) blocked the sender of group message m:
// their group messages are left out of pages, unread counts and search; a DM keeps both sides.
#define GC_PG_HIDDEN_FROM(viewer)                                              \
  " (m.type <> 'system' AND starts_with(m.conversation_id, 'grp_') AND EXISTS" \
  " (SELECT 1 FROM blocks b WHERE b.blocker_id = " viewer                      \
  "::text AND b.blocked_id = m.sender_id))"

inline constexpr const char* kMessageById =
    "SELECT " GC_PG_MESSAGE_COLUMNS GC_PG_MESSAGE_FROM " WHERE m.id = $1";
inline constexpr const char* kLockMessage = "SELECT 1 FROM messages WHERE id = $1 FOR UPDATE";
inline constexpr const char* kPageAfter =
    "SELECT " GC_PG_MESSAGE_COLUMNS GC_PG_MESSAGE_FROM
    " WHERE m.conversation_id = $1 AND m.seq > $2 AND NOT" GC_PG_HIDDEN_FROM(
        "$4") " ORDER BY m.seq ASC LIMIT $3";
inline constexpr const char* kPageWindow =
    "SELECT " GC_PG_MESSAGE_COLUMNS GC_PG_MESSAGE_FROM
    " WHERE m.conversation_id = $1 AND m.seq > $2 AND m.seq < $3 AND NOT" GC_PG_HIDDEN_FROM(
        "$5") " ORDER BY m.seq DESC LIMIT $4";
inline constexpr const char* kReactionsInRange =
    "SELECT seq, emoji, user_id FROM message_reactions"
    " WHERE conversation_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq, created_at, user_id";
inline constexpr const char* kHistory =
    "SELECT body, written_at FROM message_versions WHERE message_id = $1 ORDER BY version";

// The group commit of sends (PgAppendWriter), one statement per step for the whole batch.
inline constexpr const char* kRepliedTo =
    "SELECT id, conversation_id, sender_id, seq, body, deleted_at IS NOT NULL"
    " FROM messages WHERE id = ANY($1::text[])";
// FOR SHARE: the sweeper (kRemoveUnattached, SKIP LOCKED) leaves these uploads alone until
// the attachment is committed.
inline constexpr const char* kUploadOwners =
    "SELECT id, owner_id FROM uploads WHERE id = ANY($1::text[]) FOR SHARE";
// New conversations (ids sorted, so two servers lock them in the same order); returns those
// this transaction created, whose participants become members.
inline constexpr const char* kCreateConversations =
    "INSERT INTO conversations (id, kind, last_seq, last_activity)"
    " SELECT id, kind, 0, 0 FROM unnest($1::text[], $2::text[]) AS u(id, kind)"
    " ON CONFLICT (id) DO NOTHING RETURNING id";
inline constexpr const char* kAddConversationMembers =
    "INSERT INTO conversation_members (user_id, conversation_id)"
    " SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING";
// Held to commit: from here on no other server writes these conversations, so the retry check
// below sees every message committed before, and the counters cannot move under us.
inline constexpr const char* kLockConversations =
    "SELECT id FROM conversations WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE";
// One probe of the (sender, conversation, clientMsgId) index per send, and one of the id index
// per retry that replies, written so that they can be nothing else: as plain joins the
// planner hashed the batch and scanned the whole table (its costs favour that until the table
// is far larger than a fresh deployment's), which took 7 ms per batch at 100,000 messages
// and grew with every message. A LATERAL subquery with a LIMIT is never flattened into a
// join, so each is an index lookup per row.
inline constexpr const char* kFindRetries =
    "SELECT " GC_PG_MESSAGE_COLUMNS
    " FROM unnest($1::text[], $2::text[], $3::text[]) AS r(sender, conversation, client)"
    " CROSS JOIN LATERAL (SELECT * FROM messages x WHERE x.sender_id = r.sender"
    " AND x.conversation_id = r.conversation AND x.client_msg_id = r.client LIMIT 1) m"
    " LEFT JOIN LATERAL (SELECT sender_id, seq, body, deleted_at FROM messages y"
    " WHERE y.id = m.reply_to LIMIT 1) o ON true";
// The batch's writes in one statement (one round trip): each conversation's seqs reserved on
// its counter row ($1-$3: id, n, newest time; the rows are locked already), the messages with
// seq = the reserved last - n + their ordinal k in the conversation ($4-$14), their ids queued
// for the search index (system messages are never found), and the senders' read markers moved
// to their newest message (writing means having read). Returns each conversation's last_seq,
// from which the writer hands out the same seqs.
inline constexpr const char* kWriteBatch =
    "WITH reserved AS (UPDATE conversations c SET last_seq = c.last_seq + u.n,"
    " last_activity = GREATEST(c.last_activity, u.at)"
    " FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS u(id, n, at)"
    " WHERE c.id = u.id RETURNING c.id, c.last_seq, u.n),"
    " inserted AS (INSERT INTO messages (id, conversation_id, seq, sender_id, recipient_id,"
    " body, type, metadata, client_msg_id, created_at, reply_to)"
    " SELECT m.id, m.cid, r.last_seq - r.n + m.k, m.sender, m.recipient, m.body, m.type,"
    " m.metadata::jsonb, m.client, m.at, m.reply"
    " FROM unnest($4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[],"
    " $10::text[], $11::text[], $12::text[], $13::bigint[], $14::text[])"
    " AS m(id, cid, k, sender, recipient, body, type, metadata, client, at, reply)"
    " JOIN reserved r ON r.id = m.cid"
    " RETURNING id, conversation_id, seq, sender_id, type),"
    " queued AS (INSERT INTO search_queue (message_id)"
    " SELECT id FROM inserted WHERE type <> 'system'),"
    " markers AS (INSERT INTO read_markers (user_id, conversation_id, seq)"
    " SELECT sender_id, conversation_id, max(seq) FROM inserted"
    " GROUP BY sender_id, conversation_id"
    " ON CONFLICT (user_id, conversation_id)"
    " DO UPDATE SET seq = GREATEST(read_markers.seq, excluded.seq))"
    " SELECT id, last_seq FROM reserved";
inline constexpr const char* kRecordAttachments =
    "INSERT INTO upload_attachments (upload_id, message_id, conversation_id)"
    " SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING";

// Edits, deletes and reactions (under the message's row lock).
inline constexpr const char* kNextVersion =
    "SELECT COALESCE(max(version), 0) + 1 FROM message_versions WHERE message_id = $1";
inline constexpr const char* kInsertVersion =
    "INSERT INTO message_versions (message_id, version, body, written_at)"
    " VALUES ($1, $2, $3, $4)";
inline constexpr const char* kEditBody =
    "UPDATE messages SET body = $2, edited_at = $3 WHERE id = $1";
inline constexpr const char* kTombstone =
    "UPDATE messages SET body = '', metadata = '{\"attachments\":[]}'::jsonb, deleted_at = $2"
    " WHERE id = $1";
inline constexpr const char* kDeleteVersions = "DELETE FROM message_versions WHERE message_id = $1";
inline constexpr const char* kDeleteReactions =
    "DELETE FROM message_reactions WHERE conversation_id = $1 AND seq = $2";
// created_at orders a message's reactions and never repeats per message, so two reactions
// in the same millisecond keep the order they were made in.
inline constexpr const char* kAddReaction =
    "INSERT INTO message_reactions (conversation_id, seq, emoji, user_id, created_at)"
    " SELECT $1, $2, $3, $4, GREATEST($5::bigint, COALESCE(max(created_at) + 1, $5::bigint))"
    " FROM message_reactions WHERE conversation_id = $1 AND seq = $2"
    " ON CONFLICT DO NOTHING";
inline constexpr const char* kRemoveReaction =
    "DELETE FROM message_reactions WHERE conversation_id = $1 AND seq = $2 AND emoji = $3"
    " AND user_id = $4";

// --- conversations and read markers ---
inline constexpr const char* kConversationsOfUser =
    "SELECT c.id, c.kind, c.last_seq, c.last_activity, COALESCE(r.seq, 0)"
    " FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id"
    " LEFT JOIN read_markers r ON r.user_id = m.user_id AND r.conversation_id = c.id"
    " WHERE m.user_id = $1 ORDER BY c.last_activity DESC, c.id LIMIT $2";
inline constexpr const char* kLastVisibleMessage =
    "SELECT " GC_PG_MESSAGE_COLUMNS GC_PG_MESSAGE_FROM
    " WHERE m.conversation_id = $1 AND m.seq <= $2 AND NOT" GC_PG_HIDDEN_FROM(
        "$3") " ORDER BY m.seq DESC LIMIT 1";
inline constexpr const char* kUnreadCount =
    "SELECT count(*) FROM messages m WHERE m.conversation_id = $1"
    " AND m.seq > $2 AND m.sender_id <> $3 AND NOT" GC_PG_HIDDEN_FROM("$3");
inline constexpr const char* kConversationIdsOfUser =
    "SELECT conversation_id FROM conversation_members WHERE user_id = $1";
inline constexpr const char* kLastSeq = "SELECT last_seq FROM conversations WHERE id = $1";
inline constexpr const char* kAdvanceMarker =
    "INSERT INTO read_markers (user_id, conversation_id, seq) VALUES ($1, $2,"
    " LEAST($3::bigint, COALESCE((SELECT last_seq FROM conversations WHERE id = $2), 0)))"
    " ON CONFLICT (user_id, conversation_id) DO UPDATE SET"
    " seq = GREATEST(read_markers.seq, excluded.seq) RETURNING seq";
inline constexpr const char* kMarker =
    "SELECT seq FROM read_markers WHERE user_id = $1 AND conversation_id = $2";
inline constexpr const char* kMarkersOfUsers =
    "SELECT user_id, seq FROM read_markers WHERE conversation_id = $1"
    " AND user_id = ANY($2::text[])";

// --- users ---
#define GC_PG_USER_COLUMNS "id, username, email, password_hash, avatar, created_at, last_seen"
inline constexpr const char* kUsernameTaken = "SELECT 1 FROM users WHERE username_key = $1";
inline constexpr const char* kEmailTaken = "SELECT 1 FROM users WHERE email_key = $1";
inline constexpr const char* kInsertUser =
    "INSERT INTO users (id, username, username_key, email, email_key, password_hash, avatar,"
    " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
// Provisioning: a user whose name or email exists already is skipped, whichever it is.
inline constexpr const char* kInsertUserUnlessTaken =
    "INSERT INTO users (id, username, username_key, email, email_key, password_hash, avatar,"
    " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING";
inline constexpr const char* kUserById = "SELECT " GC_PG_USER_COLUMNS " FROM users WHERE id = $1";
inline constexpr const char* kUserByName =
    "SELECT " GC_PG_USER_COLUMNS " FROM users WHERE username_key = $1";
inline constexpr const char* kUserByEmail =
    "SELECT " GC_PG_USER_COLUMNS " FROM users WHERE email_key = $1";
inline constexpr const char* kUsersByPrefix =
    "SELECT " GC_PG_USER_COLUMNS
    " FROM users WHERE username_key >= $1 AND username_key < $2"
    " ORDER BY username_key LIMIT $3";
inline constexpr const char* kSetLastSeen = "UPDATE users SET last_seen = $2 WHERE id = $1";
inline constexpr const char* kSetLastSeenMany =
    "UPDATE users SET last_seen = $2 WHERE id = ANY($1::text[])";

// --- revoked tokens ---
inline constexpr const char* kRevokeToken =
    "INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING";
inline constexpr const char* kActiveRevocations =
    "SELECT jti FROM revoked_tokens WHERE expires_at > $1";

// --- friendships and blocks ---
#define GC_PG_FRIENDSHIP_COLUMNS "id, requester_id, recipient_id, status, created_at, updated_at"
// Serialises every decision about one pair of users (request, answer, removal, block) across
// connections and servers, as SQLite's single writer does; released at commit.
inline constexpr const char* kLockPair =
    "SELECT pg_advisory_xact_lock(hashtextextended('pair:' || $1::text || ':' || $2::text, 0))";
inline constexpr const char* kFriendshipOfPair =
    "SELECT " GC_PG_FRIENDSHIP_COLUMNS " FROM friendships WHERE user_low = $1 AND user_high = $2";
inline constexpr const char* kFriendshipById =
    "SELECT " GC_PG_FRIENDSHIP_COLUMNS " FROM friendships WHERE id = $1";
inline constexpr const char* kBlockedEitherWay =
    "SELECT 1 FROM blocks WHERE (blocker_id = $1 AND blocked_id = $2)"
    " OR (blocker_id = $2 AND blocked_id = $1)";
inline constexpr const char* kSetFriendshipStatus =
    "UPDATE friendships SET status = $2, updated_at = $3 WHERE id = $1";
inline constexpr const char* kInsertFriendshipUnlessPaired =
    "INSERT INTO friendships (id, user_low, user_high, requester_id, recipient_id, status,"
    " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    " ON CONFLICT (user_low, user_high) DO NOTHING";
inline constexpr const char* kDeletePair =
    "DELETE FROM friendships WHERE user_low = $1 AND user_high = $2";
inline constexpr const char* kFriendshipsOfUser =
    "SELECT " GC_PG_FRIENDSHIP_COLUMNS
    " FROM friendships WHERE (requester_id = $1 OR"
    " recipient_id = $1) AND status IN ('pending', 'accepted') ORDER BY updated_at DESC, id";
inline constexpr const char* kAcceptedFriendships =
    "SELECT " GC_PG_FRIENDSHIP_COLUMNS " FROM friendships WHERE status = 'accepted'";
inline constexpr const char* kInsertBlock =
    "INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3)"
    " ON CONFLICT (blocker_id, blocked_id) DO NOTHING";
inline constexpr const char* kDeleteBlock =
    "DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2";
inline constexpr const char* kBlockedBy =
    "SELECT blocked_id FROM blocks WHERE blocker_id = $1 ORDER BY created_at DESC, blocked_id";
inline constexpr const char* kAllBlocks = "SELECT blocker_id, blocked_id FROM blocks";

// --- groups ---
#define GC_PG_GROUP_COLUMNS                                                            \
  "id, name, description, avatar, is_public, allow_invites, max_members, created_at, " \
  "updated_at"
inline constexpr const char* kInsertGroup =
    "INSERT INTO chat_groups (" GC_PG_GROUP_COLUMNS
    ", name_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
inline constexpr const char* kGroupById =
    "SELECT " GC_PG_GROUP_COLUMNS " FROM chat_groups WHERE id = $1";
inline constexpr const char* kAllGroups =
    "SELECT " GC_PG_GROUP_COLUMNS " FROM chat_groups ORDER BY id";
inline constexpr const char* kGroupsOfUser =
    "SELECT " GC_PG_GROUP_COLUMNS
    " FROM chat_groups WHERE id IN"
    " (SELECT group_id FROM group_members WHERE user_id = $1) ORDER BY id DESC";
// strpos, not LIKE: the query is plain text, '%' in it means '%'.
inline constexpr const char* kPublicGroups =
    "SELECT " GC_PG_GROUP_COLUMNS
    " FROM chat_groups WHERE is_public AND id < $1"
    " AND strpos(name_key, $2) > 0 ORDER BY id DESC LIMIT $3";
inline constexpr const char* kMembersOfGroups =
    "SELECT group_id, user_id, role, joined_at FROM group_members"
    " WHERE group_id = ANY($1::text[]) ORDER BY group_id, joined_at, user_id";
inline constexpr const char* kUpdateGroup =
    "UPDATE chat_groups SET name = $2, name_key = $3, description = $4, avatar = $5,"
    " is_public = $6, allow_invites = $7, max_members = $8, updated_at = $9 WHERE id = $1";
// Held to commit: two joins racing for the last seat are decided one after the other. The
// count is a statement of its own, after the lock: READ COMMITTED gives each statement a new
// snapshot, so it sees the join that held the lock before (a subquery here would not).
inline constexpr const char* kLockGroup =
    "SELECT max_members FROM chat_groups WHERE id = $1 FOR UPDATE";
inline constexpr const char* kMemberCount =
    "SELECT count(*) FROM group_members WHERE group_id = $1";
inline constexpr const char* kIsMember =
    "SELECT 1 FROM group_members WHERE group_id = $1 AND user_id = $2";
// joined_at never repeats within a group, so two joins in one millisecond keep their order.
inline constexpr const char* kInsertMember =
    "INSERT INTO group_members (group_id, user_id, role, joined_at)"
    " SELECT $1, $2, $3, GREATEST($4::bigint, COALESCE(max(joined_at) + 1, $4::bigint))"
    " FROM group_members WHERE group_id = $1";
inline constexpr const char* kAddConversationMember =
    "INSERT INTO conversation_members (user_id, conversation_id) VALUES ($1, $2)"
    " ON CONFLICT DO NOTHING";
inline constexpr const char* kTouchGroup =
    "UPDATE chat_groups SET updated_at = GREATEST(updated_at, $2) WHERE id = $1";
inline constexpr const char* kDeleteMember =
    "DELETE FROM group_members WHERE group_id = $1 AND user_id = $2";
inline constexpr const char* kDeleteConversationMember =
    "DELETE FROM conversation_members WHERE user_id = $1 AND conversation_id = $2";
inline constexpr const char* kSetRole =
    "UPDATE group_members SET role = $3 WHERE group_id = $1 AND user_id = $2";
inline constexpr const char* kDeleteMembers = "DELETE FROM group_members WHERE group_id = $1";
inline constexpr const char* kDeleteConversationMembers =
    "DELETE FROM conversation_members WHERE conversation_id = $1";
inline constexpr const char* kDeleteGroup = "DELETE FROM chat_groups WHERE id = $1";

// --- uploads ---
#define GC_PG_UPLOAD_COLUMNS \
  "id, owner_id, name, size, mime, sha256, width, height, has_thumbnail, created_at"
// Serialises one owner's uploads, so two racing uploads cannot both pass the quota check.
inline constexpr const char* kLockOwnerUploads =
    "SELECT pg_advisory_xact_lock(hashtextextended('uploads:' || $1::text, 0))";
inline constexpr const char* kBytesUsed =
    "SELECT COALESCE(SUM(size), 0) FROM uploads WHERE owner_id = $1";
inline constexpr const char* kInsertUpload = "INSERT INTO uploads (" GC_PG_UPLOAD_COLUMNS
                                             ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
inline constexpr const char* kUploadById =
    "SELECT " GC_PG_UPLOAD_COLUMNS " FROM uploads WHERE id = $1";
inline constexpr const char* kCanReadUpload =
    "SELECT 1 FROM uploads WHERE id = $1 AND owner_id = $2"
    " UNION ALL"
    " SELECT 1 FROM upload_attachments a"
    " JOIN messages m ON m.id = a.message_id AND m.deleted_at IS NULL"
    " JOIN conversation_members c ON c.conversation_id = a.conversation_id AND c.user_id = $2"
    " WHERE a.upload_id = $1 LIMIT 1";
// Deleted in the statement that finds them, so a message attaching one meanwhile either
// commits first (and the upload stays) or finds it gone.
inline constexpr const char* kRemoveUnattached =
    "DELETE FROM uploads WHERE id IN (SELECT u.id FROM uploads u WHERE u.created_at < $1"
    " AND NOT EXISTS (SELECT 1 FROM upload_attachments a WHERE a.upload_id = u.id)"
    " ORDER BY u.created_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING " GC_PG_UPLOAD_COLUMNS;

// --- search ---
// The index's queue (search_queue) and its keeper (PgSearchIndexer). One indexer at a time
// across servers (a transaction-scoped advisory lock), so an older body never overwrites a
// newer one: each run reads the messages as they are after the queue rows it took.
inline constexpr const char* kQueueForSearch = "INSERT INTO search_queue (message_id) VALUES ($1)";
inline constexpr const char* kTryLockIndexer = "SELECT pg_try_advisory_xact_lock(7283002)";
inline constexpr const char* kTakeSearchQueue =
    "DELETE FROM search_queue WHERE id IN (SELECT id FROM search_queue ORDER BY id LIMIT $1)"
    " RETURNING message_id";
inline constexpr const char* kIndexBodies =
    "INSERT INTO message_search (message_id, body)"
    " SELECT id, body FROM messages WHERE id = ANY($1::text[]) AND deleted_at IS NULL"
    " AND type <> 'system'"
    " ON CONFLICT (message_id) DO UPDATE SET body = excluded.body";
// A deleted message keeps its row as a tombstone: the chunk's tombstones leave the index. (As
// an anti-join over the index table this took 30-80 ms a chunk: the planner hashed a table.)
inline constexpr const char* kUnindexDeleted =
    "DELETE FROM message_search WHERE message_id IN (SELECT id FROM messages"
    " WHERE id = ANY($1::text[]) AND deleted_at IS NOT NULL)";
inline constexpr const char* kSearchBacklog = "SELECT count(*) FROM search_queue";
// At most this many terms in one query (the search service allows 8).
inline constexpr std::size_t kMaxSearchTerms = 8;
// The search statement for `terms` ILIKE patterns, bound from $7 on: one condition per term,
// so that the planner may use the trigram index for each (an ILIKE ALL over an array could
// not). Each term is checked against the index's copy of the body (s, which the trigram index
// serves) and the message itself (m): a body edited since it was indexed is found by what it
// says now once the indexer has caught up, and never by what it said before. Ranked by
// trigram similarity to the whole query ($4), or newest first ($3).
inline const char* search(std::size_t terms) {
  static const std::array<std::string, kMaxSearchTerms + 1> texts = [] {
    std::array<std::string, kMaxSearchTerms + 1> out;
    for (std::size_t n = 0; n <= kMaxSearchTerms; ++n) {
      std::string& q = out[n];
      q = "SELECT " GC_PG_MESSAGE_COLUMNS
          " FROM message_search s JOIN messages m ON m.id = s.message_id"
          " LEFT JOIN messages o ON o.id = m.reply_to"
          " WHERE m.conversation_id IN (SELECT conversation_id FROM conversation_members"
          " WHERE user_id = $1) AND ($2::text IS NULL OR m.conversation_id = $2)"
          " AND m.deleted_at IS NULL AND m.type <> 'system' AND NOT" GC_PG_HIDDEN_FROM("$1");
      for (std::size_t t = 0; t < n; ++t) {
        const auto param = "$" + std::to_string(7 + t);
        q.append(" AND s.body ILIKE ").append(param).append(" AND m.body ILIKE ").append(param);
      }
      q += " ORDER BY CASE WHEN $3::boolean THEN 0 ELSE similarity(m.body, $4::text) END DESC,"
           " m.created_at DESC, m.id DESC LIMIT $5 OFFSET $6";
    }
    return out;
  }();
  return texts.at(terms).c_str();
}

}  // namespace gc::store::postgres::sql
