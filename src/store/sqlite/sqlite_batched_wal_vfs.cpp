#include "store/sqlite/sqlite_batched_wal_vfs.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gc::store::sqlite {
namespace {

constexpr char kVfsName[] = "gc-batched-wal";
// A transaction bigger than this (a migration, a cache spill) is written in pieces of it.
constexpr std::size_t kMaxGathered = 8u << 20;

std::atomic<std::uint64_t> writesGathered{0};
std::atomic<std::uint64_t> writesMade{0};

struct FileState {
  sqlite3_file* real = nullptr;  // the default VFS's file, allocated right after ours
  bool isWal = false;
  std::string mainPath;                 // a database file: its name, the key of its WAL's pairing
  FileState* wal = nullptr;             // a database file: the WAL its connection opened
  FileState* main = nullptr;            // a WAL: the database file of the same connection
  std::vector<unsigned char> gathered;  // a WAL: bytes written but not yet handed on ...
  sqlite3_int64 gatheredAt = 0;         // ... and where in the file they start
};

// What SQLite allocates for each file: its own header first, then the real file.
struct BatchedFile {
  sqlite3_file base;
  FileState* state;
};

sqlite3_vfs* defaultVfs() {
  static sqlite3_vfs* const vfs = sqlite3_vfs_find(nullptr);
  return vfs;
}

// Database files by name, so that a WAL, opened later by the same connection, finds its own.
// Only the writer connection uses this VFS, so a name has at most one entry.
std::mutex pairingMutex;
std::unordered_map<std::string, FileState*>& openDatabases() {
  static std::unordered_map<std::string, FileState*> files;
  return files;
}

FileState& stateOf(sqlite3_file* f) {
  return *reinterpret_cast<BatchedFile*>(f)->state;
}

int writeGathered(FileState& s) {
  // The unix VFS writes at most 128 KiB per call (it masks larger sizes), so big runs go in
  // pieces: still ~30 frames per system call instead of half a frame.
  constexpr std::size_t kPiece = 120u << 10;
  int rc = SQLITE_OK;
  for (std::size_t at = 0; at < s.gathered.size() && rc == SQLITE_OK; at += kPiece) {
    const auto n = std::min(kPiece, s.gathered.size() - at);
    rc = s.real->pMethods->xWrite(s.real, s.gathered.data() + at, static_cast<int>(n),
                                  s.gatheredAt + static_cast<sqlite3_int64>(at));
    writesMade.fetch_add(1, std::memory_order_relaxed);
  }
  s.gathered.clear();
  return rc;
}

int xClose(sqlite3_file* f) {
  auto* s = &stateOf(f);
  int rc = s->isWal ? writeGathered(*s) : SQLITE_OK;
  {
    std::lock_guard lock(pairingMutex);
    if (s->isWal && s->main) s->main->wal = nullptr;
    if (!s->isWal) {
      if (s->wal) s->wal->main = nullptr;
      auto& files = openDatabases();
      if (auto it = files.find(s->mainPath); it != files.end() && it->second == s) files.erase(it);
    }
  }
  const int closeRc = s->real->pMethods ? s->real->pMethods->xClose(s->real) : SQLITE_OK;
  delete s;
  return rc != SQLITE_OK ? rc : closeRc;
}

int xRead(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
  auto& s = stateOf(f);
  if (s.isWal) {
    if (const int rc = writeGathered(s); rc != SQLITE_OK) return rc;
  }
  return s.real->pMethods->xRead(s.real, buf, amount, offset);
}

int xWrite(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
  auto& s = stateOf(f);
  if (!s.isWal) return s.real->pMethods->xWrite(s.real, buf, amount, offset);
  const auto* bytes = static_cast<const unsigned char*>(buf);
  const auto end = s.gatheredAt + static_cast<sqlite3_int64>(s.gathered.size());
  if (!s.gathered.empty() && offset >= s.gatheredAt && offset <= end) {
    // The next frame, or a frame of this transaction written again: both land in the buffer.
    const auto at = static_cast<std::size_t>(offset - s.gatheredAt);
    if (at + static_cast<std::size_t>(amount) > s.gathered.size()) {
      s.gathered.resize(at + static_cast<std::size_t>(amount));
    }
    std::memcpy(s.gathered.data() + at, bytes, static_cast<std::size_t>(amount));
  } else {
    if (const int rc = writeGathered(s); rc != SQLITE_OK) return rc;
    s.gatheredAt = offset;
    s.gathered.assign(bytes, bytes + amount);
  }
  writesGathered.fetch_add(1, std::memory_order_relaxed);
  return s.gathered.size() >= kMaxGathered ? writeGathered(s) : SQLITE_OK;
}

int xTruncate(sqlite3_file* f, sqlite3_int64 size) {
  auto& s = stateOf(f);
  if (s.isWal) {
    if (const int rc = writeGathered(s); rc != SQLITE_OK) return rc;
  }
  return s.real->pMethods->xTruncate(s.real, size);
}

int xSync(sqlite3_file* f, int flags) {
  auto& s = stateOf(f);
  if (s.isWal) {
    if (const int rc = writeGathered(s); rc != SQLITE_OK) return rc;
  }
  return s.real->pMethods->xSync(s.real, flags);
}

int xFileSize(sqlite3_file* f, sqlite3_int64* size) {
  auto& s = stateOf(f);
  if (s.isWal) {
    if (const int rc = writeGathered(s); rc != SQLITE_OK) return rc;
  }
  return s.real->pMethods->xFileSize(s.real, size);
}

int xLock(sqlite3_file* f, int level) {
  auto& s = stateOf(f);
  return s.real->pMethods->xLock(s.real, level);
}

int xUnlock(sqlite3_file* f, int level) {
  auto& s = stateOf(f);
  return s.real->pMethods->xUnlock(s.real, level);
}

int xCheckReservedLock(sqlite3_file* f, int* out) {
  auto& s = stateOf(f);
  return s.real->pMethods->xCheckReservedLock(s.real, out);
}

int xFileControl(sqlite3_file* f, int op, void* arg) {
  auto& s = stateOf(f);
  if (s.isWal) {
    if (const int rc = writeGathered(s); rc != SQLITE_OK) return rc;
  }
  return s.real->pMethods->xFileControl(s.real, op, arg);
}

int xSectorSize(sqlite3_file* f) {
  auto& s = stateOf(f);
  return s.real->pMethods->xSectorSize(s.real);
}

int xDeviceCharacteristics(sqlite3_file* f) {
  auto& s = stateOf(f);
  return s.real->pMethods->xDeviceCharacteristics(s.real);
}

int xShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  auto& s = stateOf(f);
  return s.real->pMethods->xShmMap(s.real, region, size, extend, out);
}

int xShmLock(sqlite3_file* f, int offset, int n, int flags) {
  auto& s = stateOf(f);
  return s.real->pMethods->xShmLock(s.real, offset, n, flags);
}

void xShmBarrier(sqlite3_file* f) {
  auto& s = stateOf(f);
  // SQLite is about to publish a new WAL size (or read the index): whatever frames it wrote
  // must be in the file before anyone can be told they exist.
  if (const int rc = s.wal ? writeGathered(*s.wal) : SQLITE_OK; rc != SQLITE_OK) {
    // The barrier cannot report an error, and publishing frames that are not in the file
    // would hand readers garbage. Stopping here loses only what was never acknowledged.
    spdlog::critical("cannot write the WAL before publishing a commit: {}", sqlite3_errstr(rc));
    std::abort();
  }
  s.real->pMethods->xShmBarrier(s.real);
}

int xShmUnmap(sqlite3_file* f, int deleteFlag) {
  auto& s = stateOf(f);
  return s.real->pMethods->xShmUnmap(s.real, deleteFlag);
}

int xFetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
  auto& s = stateOf(f);
  if (s.isWal) {
    if (const int rc = writeGathered(s); rc != SQLITE_OK) return rc;
  }
  if (s.real->pMethods->iVersion < 3) {
    *out = nullptr;
    return SQLITE_OK;
  }
  return s.real->pMethods->xFetch(s.real, offset, amount, out);
}

int xUnfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  auto& s = stateOf(f);
  if (s.real->pMethods->iVersion < 3) return SQLITE_OK;
  return s.real->pMethods->xUnfetch(s.real, offset, p);
}

const sqlite3_io_methods kMethods = {
    .iVersion = 3,
    .xClose = xClose,
    .xRead = xRead,
    .xWrite = xWrite,
    .xTruncate = xTruncate,
    .xSync = xSync,
    .xFileSize = xFileSize,
    .xLock = xLock,
    .xUnlock = xUnlock,
    .xCheckReservedLock = xCheckReservedLock,
    .xFileControl = xFileControl,
    .xSectorSize = xSectorSize,
    .xDeviceCharacteristics = xDeviceCharacteristics,
    .xShmMap = xShmMap,
    .xShmLock = xShmLock,
    .xShmBarrier = xShmBarrier,
    .xShmUnmap = xShmUnmap,
    .xFetch = xFetch,
    .xUnfetch = xUnfetch,
};

int xOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags) {
  auto* file = reinterpret_cast<BatchedFile*>(f);
  auto* real = reinterpret_cast<sqlite3_file*>(file + 1);
  file->base.pMethods = nullptr;
  const int rc = defaultVfs()->xOpen(defaultVfs(), name, real, flags, outFlags);
  if (rc != SQLITE_OK) return rc;
  auto* s = new FileState();
  s->real = real;
  s->isWal = (flags & SQLITE_OPEN_WAL) != 0;
  {
    std::lock_guard lock(pairingMutex);
    auto& files = openDatabases();
    if ((flags & SQLITE_OPEN_MAIN_DB) != 0 && name != nullptr) {
      s->mainPath = name;
      files[s->mainPath] = s;
    } else if (s->isWal && name != nullptr) {
      constexpr std::string_view kSuffix = "-wal";
      std::string_view walName = name;
      if (walName.ends_with(kSuffix)) {
        walName.remove_suffix(kSuffix.size());
        if (auto it = files.find(std::string(walName)); it != files.end()) {
          s->main = it->second;
          it->second->wal = s;
        }
      }
    }
  }
  file->state = s;
  file->base.pMethods = &kMethods;
  return SQLITE_OK;
}

// Everything but opening a file is the default VFS's business.
int xDelete(sqlite3_vfs*, const char* name, int syncDir) {
  return defaultVfs()->xDelete(defaultVfs(), name, syncDir);
}
int xAccess(sqlite3_vfs*, const char* name, int flags, int* out) {
  return defaultVfs()->xAccess(defaultVfs(), name, flags, out);
}
int xFullPathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return defaultVfs()->xFullPathname(defaultVfs(), name, size, out);
}
void* xDlOpen(sqlite3_vfs*, const char* name) {
  return defaultVfs()->xDlOpen(defaultVfs(), name);
}
void xDlError(sqlite3_vfs*, int size, char* out) {
  defaultVfs()->xDlError(defaultVfs(), size, out);
}
void (*xDlSym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return defaultVfs()->xDlSym(defaultVfs(), handle, symbol);
}
void xDlClose(sqlite3_vfs*, void* handle) {
  defaultVfs()->xDlClose(defaultVfs(), handle);
}
int xRandomness(sqlite3_vfs*, int size, char* out) {
  return defaultVfs()->xRandomness(defaultVfs(), size, out);
}
int xSleep(sqlite3_vfs*, int micros) {
  return defaultVfs()->xSleep(defaultVfs(), micros);
}
int xCurrentTime(sqlite3_vfs*, double* out) {
  return defaultVfs()->xCurrentTime(defaultVfs(), out);
}
int xGetLastError(sqlite3_vfs*, int size, char* out) {
  return defaultVfs()->xGetLastError(defaultVfs(), size, out);
}
int xCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  return defaultVfs()->xCurrentTimeInt64(defaultVfs(), out);
}

}  // namespace

const char* batchedWalVfs() {
  static std::once_flag once;
  static sqlite3_vfs vfs;
  std::call_once(once, [] {
    sqlite3_vfs* real = defaultVfs();
    vfs = sqlite3_vfs{
        .iVersion = 2,
        .szOsFile = static_cast<int>(sizeof(BatchedFile)) + real->szOsFile,
        .mxPathname = real->mxPathname,
        .pNext = nullptr,
        .zName = kVfsName,
        .pAppData = nullptr,
        .xOpen = xOpen,
        .xDelete = xDelete,
        .xAccess = xAccess,
        .xFullPathname = xFullPathname,
        .xDlOpen = xDlOpen,
        .xDlError = xDlError,
        .xDlSym = xDlSym,
        .xDlClose = xDlClose,
        .xRandomness = xRandomness,
        .xSleep = xSleep,
        .xCurrentTime = xCurrentTime,
        .xGetLastError = xGetLastError,
        .xCurrentTimeInt64 = xCurrentTimeInt64,
        .xSetSystemCall = nullptr,
        .xGetSystemCall = nullptr,
        .xNextSystemCall = nullptr,
    };
    if (const int rc = sqlite3_vfs_register(&vfs, 0); rc != SQLITE_OK) {
      throw std::runtime_error("cannot register the batched-WAL VFS: " +
                               std::string(sqlite3_errstr(rc)));
    }
  });
  return kVfsName;
}

BatchedWalStats batchedWalStats() {
  return {.writesGathered = writesGathered.load(std::memory_order_relaxed),
          .writesMade = writesMade.load(std::memory_order_relaxed)};
}

}  // namespace gc::store::sqlite
