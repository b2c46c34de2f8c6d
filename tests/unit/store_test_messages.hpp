#pragma once
// Messages for the store tests: a DM draft, a send that waits for its commit, and a wait for
// the search index.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"

namespace gc::store {

inline NewMessage dmDraft(const std::string& cid, const std::string& from, const std::string& to,
                          const std::string& body, const std::string& clientMsgId = "") {
  Message m;
  m.id = core::newId();
  m.conversationId = cid;
  m.from = from;
  m.to = to;
  m.body = body;
  m.type = "text";
  m.metadataJson = "{}";
  m.clientMsgId = clientMsgId;
  m.createdAtMs = core::nowMs();
  return NewMessage{.message = std::move(m),
                    .conversationKind = "dm",
                    .participants = {from, to},
                    .attachmentIds = {}};
}

// Appends and waits for the commit; rethrows the append's error.
inline AppendResult appendAndWait(Store& store, NewMessage m) {
  std::promise<AppendResult> p;
  store.messages().append(std::move(m), [&p](AppendResult r, std::exception_ptr e) {
    if (e) {
      p.set_exception(e);
    } else {
      p.set_value(std::move(r));
    }
  });
  return p.get_future().get();
}

// The index follows the store asynchronously: wait (bounded) until it caught up.
inline void waitIndexed(Store& store) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (store.search().backlog() > 0) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "search index did not catch up";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace gc::store
