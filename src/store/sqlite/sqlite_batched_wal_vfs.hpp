#pragma once
// A VFS for the store's one writer connection: it gathers the writes SQLite makes to the WAL
// during a commit and hands them to the kernel as one write.
//
// SQLite writes each WAL frame with two pwrite() calls (the 24-byte frame header, then the
// page). A batch of ~50 direct messages in as many conversations dirties ~150 pages (each
// conversation has its newest rows on a leaf page of its own in every index), so ~300 system
// calls per commit. On this VM a system call costs ~2.5 µs: measured, 600 small pwrites of a
// WAL-shaped run take ~1 ms where one write of the same bytes takes ~80 µs, and the writer
// thread, the one every send waits for, spent ~40 % of its time in the kernel.
//
// Frames become visible to other connections only when the writer publishes the new WAL
// size in the shared-memory index, and SQLite issues a memory barrier (xShmBarrier on the
// database file) before it does so. That barrier is where the gathered frames are written:
// by the time any reader, the checkpointer or our own fdatasync can look for them, they are
// in the page cache, exactly as without this VFS. Reads, syncs, truncation, size queries and
// file controls on the WAL write what is gathered first, so the WAL file never looks
// different from what SQLite wrote. A crash before the write loses only frames that were
// never committed (and so never acknowledged).
//
// Other files (the database itself, temporary files) pass straight through to the default VFS.
#include <cstdint>

namespace gc::store::sqlite {

// Registers the VFS with SQLite on first use (not as the default) and returns its name, for
// sqlite3_open_v2.
const char* batchedWalVfs();

// Process-wide counts, for tests and diagnosis.
struct BatchedWalStats {
  std::uint64_t writesGathered = 0;  // writes SQLite made to the WAL, gathered
  std::uint64_t writesMade = 0;      // writes this VFS made to the WAL file
};
BatchedWalStats batchedWalStats();

}  // namespace gc::store::sqlite
