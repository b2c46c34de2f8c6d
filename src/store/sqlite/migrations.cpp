#include "store/sqlite/migrations.hpp"

#include <array>

namespace gc::store::sqlite {
namespace {

// Append only: a released migration is never edited, a change is a new step.
constexpr std::array<const char*, 6> kMigrations = {
    // 1: accounts, conversations, messages, read markers, revoked tokens.
    R"sql(
CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL,
  username_key  TEXT NOT NULL UNIQUE,
  email         TEXT NOT NULL,
  email_key     TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  avatar        TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL,
  last_seen     INTEGER
) WITHOUT ROWID;

CREATE TABLE conversations (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL,
  last_seq      INTEGER NOT NULL,
  last_activity INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE conversation_members (
  user_id         TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  PRIMARY KEY (user_id, conversation_id)
) WITHOUT ROWID;

CREATE TABLE messages (
  conversation_id TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  id              TEXT NOT NULL UNIQUE,
  sender_id       TEXT NOT NULL,
  recipient_id    TEXT NOT NULL,
  body            TEXT NOT NULL,
  type            TEXT NOT NULL,
  metadata        TEXT NOT NULL,
  client_msg_id   TEXT,
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, seq)
);
CREATE UNIQUE INDEX messages_client_msg_id
  ON messages (sender_id, conversation_id, client_msg_id) WHERE client_msg_id IS NOT NULL;

CREATE TABLE read_markers (
  user_id         TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  PRIMARY KEY (user_id, conversation_id)
) WITHOUT ROWID;

CREATE TABLE revoked_tokens (
  jti        TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 2: edits with history, tombstones, reactions, replies. The parts of a message that change
    // after it was sent leave the stored metadata JSON and become columns and rows.
    R"sql(
ALTER TABLE messages ADD COLUMN reply_to TEXT;
ALTER TABLE messages ADD COLUMN edited_at INTEGER;
ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
UPDATE messages SET metadata = json_remove(metadata, '$.edited', '$.reactions', '$.replyTo');

CREATE TABLE message_versions (
  message_id TEXT NOT NULL,
  version    INTEGER NOT NULL,
  body       TEXT NOT NULL,
  written_at INTEGER NOT NULL,
  PRIMARY KEY (message_id, version)
) WITHOUT ROWID;

CREATE TABLE message_reactions (
  conversation_id TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  emoji           TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, seq, emoji, user_id)
) WITHOUT ROWID;
)sql",
    // 3: groups and their members. A member also has a conversation_members row for
    // grp_<id>, written in the same transaction (the conversation list reads those).
    R"sql(
CREATE TABLE chat_groups (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL,
  name_key      TEXT NOT NULL,
  description   TEXT NOT NULL,
  avatar        TEXT NOT NULL,
  is_public     INTEGER NOT NULL,
  allow_invites INTEGER NOT NULL,
  max_members   INTEGER NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX chat_groups_public ON chat_groups (is_public, id);

CREATE TABLE group_members (
  group_id  TEXT NOT NULL,
  user_id   TEXT NOT NULL,
  role      TEXT NOT NULL,
  joined_at INTEGER NOT NULL,
  PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX group_members_user ON group_members (user_id, group_id);
)sql",
    // 4: friendships (one row per pair, the pair sorted into user_low < user_high) and blocks.
    R"sql(
CREATE TABLE friendships (
  id           TEXT PRIMARY KEY,
  user_low     TEXT NOT NULL,
  user_high    TEXT NOT NULL,
  requester_id TEXT NOT NULL,
  recipient_id TEXT NOT NULL,
  status       TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  UNIQUE (user_low, user_high)
) WITHOUT ROWID;
CREATE INDEX friendships_requester ON friendships (requester_id);
CREATE INDEX friendships_recipient ON friendships (recipient_id);
CREATE INDEX friendships_accepted ON friendships (status) WHERE status = 'accepted';

CREATE TABLE blocks (
  blocker_id TEXT NOT NULL,
  blocked_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id)
) WITHOUT ROWID;
)sql",
    // 5: the search index's change feed. The index lives in its own file (see
    // sqlite_search_indexer.hpp) and follows new messages by rowid; edits and deletes of
    // older messages reach it through this table.
    R"sql(
CREATE TABLE search_changes (
  id            INTEGER PRIMARY KEY,
  message_rowid INTEGER NOT NULL
);
)sql",
    // 6: uploads (the bytes are files in the data dir, named by id) and the messages that
    // carry them. An upload no message carries is swept after a while (unattached_since).
    R"sql(
CREATE TABLE uploads (
  id            TEXT PRIMARY KEY,
  owner_id      TEXT NOT NULL,
  name          TEXT NOT NULL,
  size          INTEGER NOT NULL,
  mime          TEXT NOT NULL,
  sha256        TEXT NOT NULL,
  width         INTEGER,
  height        INTEGER,
  has_thumbnail INTEGER NOT NULL,
  created_at    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX uploads_owner ON uploads (owner_id);
CREATE INDEX uploads_created ON uploads (created_at);

CREATE TABLE upload_attachments (
  upload_id       TEXT NOT NULL,
  message_id      TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  PRIMARY KEY (upload_id, message_id)
) WITHOUT ROWID;
)sql",
};

}  // namespace

void migrate(SqliteDb& db) {
  auto& version = db.prepare("PRAGMA user_version");
  version.step();
  const auto current = version.int64(0);
  version.reset();
  for (auto v = current; v < static_cast<std::int64_t>(kMigrations.size()); ++v) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(kMigrations[static_cast<size_t>(v)]);
      // PRAGMA takes no bound parameters; the value is our own integer.
      db.exec(("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
      db.exec("COMMIT");
    } catch (...) {
      db.exec("ROLLBACK");
      throw;
    }
  }
}

}  // namespace gc::store::sqlite
