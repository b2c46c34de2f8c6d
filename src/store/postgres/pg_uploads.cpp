#include "core/error.hpp"
#include "store/postgres/pg_sql.hpp"
#include "store/postgres/pg_store.hpp"

namespace gc::store::postgres {
namespace {

std::vector<Upload> readUploads(const PgResult& rows) {
  std::vector<Upload> out;
  for (int i = 0; i < rows.rows(); ++i) {
    Upload u;
    u.id = rows.text(i, 0);
    u.ownerId = rows.text(i, 1);
    u.name = rows.text(i, 2);
    u.size = rows.int64(i, 3);
    u.mime = rows.text(i, 4);
    u.sha256 = rows.text(i, 5);
    if (!rows.isNull(i, 6)) u.width = static_cast<int>(rows.int64(i, 6));
    if (!rows.isNull(i, 7)) u.height = static_cast<int>(rows.int64(i, 7));
    u.hasThumbnail = rows.boolean(i, 8);
    u.createdAtMs = rows.int64(i, 9);
    out.push_back(std::move(u));
  }
  return out;
}

}  // namespace

void PgUploadStore::create(const Upload& upload, std::int64_t quotaBytes) {
  pool_.transaction([&](PgConnection& conn) {
    // Under the owner's lock: two uploads racing cannot both pass the check.
    conn.query(sql::kLockOwnerUploads, upload.ownerId);
    if (conn.query(sql::kBytesUsed, upload.ownerId).int64(0, 0) + upload.size > quotaBytes) {
      throw core::ApiError(413, "too_large", "file: your upload quota is used up");
    }
    conn.query(sql::kInsertUpload, upload.id, upload.ownerId, upload.name, upload.size, upload.mime,
               upload.sha256, upload.width, upload.height, upload.hasThumbnail, upload.createdAtMs);
  });
}

std::optional<Upload> PgUploadStore::byId(std::string_view id) {
  return pool_.with([id](PgConnection& conn) -> std::optional<Upload> {
    auto found = readUploads(conn.query(sql::kUploadById, id));
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  });
}

bool PgUploadStore::canRead(std::string_view uploadId, std::string_view userId) {
  return pool_.with([&](PgConnection& conn) {
    return !conn.query(sql::kCanReadUpload, uploadId, userId).empty();
  });
}

std::int64_t PgUploadStore::bytesUsed(std::string_view ownerId) {
  return pool_.with(
      [ownerId](PgConnection& conn) { return conn.query(sql::kBytesUsed, ownerId).int64(0, 0); });
}

std::vector<Upload> PgUploadStore::removeUnattached(std::int64_t cutoffMs, int limit) {
  return pool_.with([&](PgConnection& conn) {
    return readUploads(conn.query(sql::kRemoveUnattached, cutoffMs, std::int64_t{limit}));
  });
}

}  // namespace gc::store::postgres
