#pragma once
#include "api/app.hpp"
#include "api/router.hpp"

namespace gc::api {

void addAuthRoutes(Router& router, App& app);
void addUserRoutes(Router& router, App& app);
void addConversationRoutes(Router& router, App& app);
void addMessageRoutes(Router& router, App& app);
void addFriendRoutes(Router& router, App& app);
void addSearchRoutes(Router& router, App& app);
void addGroupRoutes(Router& router, App& app);
void addOpsRoutes(Router& router, App& app);
// GET /api/config: what the web client must know about this deployment (the video service).
void addClientConfigRoutes(Router& router, App& app);
void addFileRoutes(Router& router, App& app);
// The built web client behind every path no other route knows (api/static_files.cpp).
void addWebRoutes(Router& router, App& app);

inline Router buildRouter(App& app) {
  Router router;
  addAuthRoutes(router, app);
  addUserRoutes(router, app);
  addConversationRoutes(router, app);
  addMessageRoutes(router, app);
  addFriendRoutes(router, app);
  addSearchRoutes(router, app);
  addGroupRoutes(router, app);
  addOpsRoutes(router, app);
  addClientConfigRoutes(router, app);
  addFileRoutes(router, app);
  addWebRoutes(router, app);
  return router;
}

// The user as `viewerId` sees it (no email; live status and lastSeen only for the user's
// friends) or as they see themself.
std::string publicUser(App& app, const store::User& user, const std::string& viewerId);
std::string ownUser(App& app, const store::User& user);
// ownUser when the viewer is the user, else publicUser.
std::string userFor(App& app, const store::User& user, const std::string& viewerId);

}  // namespace gc::api
