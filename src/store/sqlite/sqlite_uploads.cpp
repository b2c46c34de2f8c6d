#include "core/error.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gc::store::sqlite {
namespace {

#define GC_UPLOAD_COLUMNS \
  "id, owner_id, name, size, mime, sha256, width, height, has_thumbnail, created_at"

Upload readUpload(const Statement& row) {
  Upload u;
  u.id = row.text(0);
  u.ownerId = row.text(1);
  u.name = row.text(2);
  u.size = row.int64(3);
  u.mime = row.text(4);
  u.sha256 = row.text(5);
  if (!row.isNull(6)) u.width = static_cast<int>(row.int64(6));
  if (!row.isNull(7)) u.height = static_cast<int>(row.int64(7));
  u.hasThumbnail = row.int64(8) != 0;
  u.createdAtMs = row.int64(9);
  return u;
}

std::optional<std::int64_t> optionalInt(const std::optional<int>& v) {
  if (!v) return std::nullopt;
  return *v;
}

std::int64_t sumOfSizes(SqliteDb& db, std::string_view ownerId) {
  return *db.prepare("SELECT COALESCE(SUM(size), 0) FROM uploads WHERE owner_id = ?1")
              .bind(1, ownerId)
              .one([](const Statement& s) { return s.int64(0); });
}

}  // namespace

void SqliteUploadStore::create(const Upload& upload, std::int64_t quotaBytes) {
  writer_.run([upload, quotaBytes](SqliteDb& db) {
    // Inside the writer's transaction: two uploads racing cannot both pass the check.
    if (sumOfSizes(db, upload.ownerId) + upload.size > quotaBytes) {
      throw core::ApiError(413, "too_large", "file: your upload quota is used up");
    }
    db.prepare("INSERT INTO uploads (" GC_UPLOAD_COLUMNS
               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
        .bind(1, upload.id)
        .bind(2, upload.ownerId)
        .bind(3, upload.name)
        .bind(4, upload.size)
        .bind(5, upload.mime)
        .bind(6, upload.sha256)
        .bind(7, optionalInt(upload.width))
        .bind(8, optionalInt(upload.height))
        .bind(9, std::int64_t{upload.hasThumbnail ? 1 : 0})
        .bind(10, upload.createdAtMs)
        .run();
  });
}

std::optional<Upload> SqliteUploadStore::byId(std::string_view id) {
  return readers_.with([id](SqliteDb& db) {
    return db.prepare("SELECT " GC_UPLOAD_COLUMNS " FROM uploads WHERE id = ?1")
        .bind(1, id)
        .one(readUpload);
  });
}

bool SqliteUploadStore::canRead(std::string_view uploadId, std::string_view userId) {
  return readers_.with([uploadId, userId](SqliteDb& db) {
    return db
        .prepare(
            "SELECT 1 FROM uploads WHERE id = ?1 AND owner_id = ?2"
            " UNION ALL"
            " SELECT 1 FROM upload_attachments a"
            " JOIN messages m ON m.id = a.message_id AND m.deleted_at IS NULL"
            " JOIN conversation_members c"
            "   ON c.conversation_id = a.conversation_id AND c.user_id = ?2"
            " WHERE a.upload_id = ?1 LIMIT 1")
        .bind(1, uploadId)
        .bind(2, userId)
        .one([](const Statement&) { return true; })
        .has_value();
  });
}

std::int64_t SqliteUploadStore::bytesUsed(std::string_view ownerId) {
  return readers_.with([ownerId](SqliteDb& db) { return sumOfSizes(db, ownerId); });
}

std::vector<Upload> SqliteUploadStore::removeUnattached(std::int64_t cutoffMs, int limit) {
  return writer_.run([cutoffMs, limit](SqliteDb& db) {
    std::vector<Upload> out;
    auto& q = db.prepare("SELECT " GC_UPLOAD_COLUMNS
                         " FROM uploads u WHERE created_at < ?1 AND NOT EXISTS"
                         " (SELECT 1 FROM upload_attachments a WHERE a.upload_id = u.id)"
                         " ORDER BY created_at LIMIT ?2")
                  .bind(1, cutoffMs)
                  .bind(2, std::int64_t{limit});
    while (q.step()) out.push_back(readUpload(q));
    q.reset();
    for (const auto& u : out) db.prepare("DELETE FROM uploads WHERE id = ?1").bind(1, u.id).run();
    return out;
  });
}

void recordAttachments(SqliteDb& db, const NewMessage& draft) {
  for (const auto& id : draft.attachmentIds) {
    db.prepare(
          "INSERT OR IGNORE INTO upload_attachments (upload_id, message_id, conversation_id)"
          " VALUES (?1, ?2, ?3)")
        .bind(1, id)
        .bind(2, draft.message.id)
        .bind(3, draft.message.conversationId)
        .run();
  }
}

void checkAttachments(SqliteDb& db, const NewMessage& draft) {
  for (const auto& id : draft.attachmentIds) {
    const bool own = db.prepare("SELECT 1 FROM uploads WHERE id = ?1 AND owner_id = ?2")
                         .bind(1, id)
                         .bind(2, draft.message.from)
                         .one([](const Statement&) { return true; })
                         .has_value();
    if (!own) throw core::forbidden("attachments: only your own uploads can be attached");
  }
}

}  // namespace gc::store::sqlite
