#pragma once
// Messages for the store tests: a DM draft, and a send that waits for its commit.
#include <future>
#include <string>

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

}  // namespace gc::store
