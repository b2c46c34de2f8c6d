#pragma once
#include "api/app.hpp"
#include "api/router.hpp"

namespace gc::api {

void addAuthRoutes(Router& router, App& app);
void addUserRoutes(Router& router, App& app);
void addConversationRoutes(Router& router, App& app);
void addOpsRoutes(Router& router, App& app);
// The built web client behind every path no other route knows (api/static_files.cpp).
void addWebRoutes(Router& router, App& app);

inline Router buildRouter(App& app) {
  Router router;
  addAuthRoutes(router, app);
  addUserRoutes(router, app);
  addConversationRoutes(router, app);
  addOpsRoutes(router, app);
  addWebRoutes(router, app);
  return router;
}

// The user as others see it (no email) or as they see themself.
std::string publicUser(App& app, const store::User& user);
std::string ownUser(App& app, const store::User& user);

}  // namespace gc::api
