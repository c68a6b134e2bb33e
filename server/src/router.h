// The HTTP API's routing table: (method, path pattern) → handler, with typed path parameters.
// Patterns are literal segments and parameters: "/api/grappes/{grappe}/events". A parameter's
// type says what it must look like; a path whose parameter does not is not found (404).
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api.h"
#include "identity.h"

namespace grappe::server {

// The path parameters of a request, by type.
struct PathParams {
  std::string grappe;      // {grappe}: a client id (1–64 characters of [A-Za-z0-9_-])
  std::string finess;      // {finess}: any segment; handlers answer 404 for an unknown one
  std::string user;        // {user}: a client id
  std::string projection;  // {projection}: any segment; handlers answer 404 for an unknown one
  std::string request;     // {request}: an access request's id (a client id)
};

// One request being answered.
struct Call {
  Request req;
  const Peer& peer;
  std::optional<domain::User> user;  // always set for Access::kSignedIn routes
  PathParams params;
  Reply reply;
  // A request by a sign-in session's cookie: its person (even with no user yet) and the SHA-256
  // of its id; with no user, only Access::kSession routes are reached.
  std::optional<Identity> identity;
  std::string browser_session;
};

enum class Access {
  kPublic,    // the token is not even looked at (/healthz)
  kAnyone,    // no token needed; one that is given is checked (and counts as a failed sign-in
              // when it names no user)
  kSignedIn,  // 401 without a valid bearer token
  kSession,   // as kSignedIn, and also open to a sign-in session with no user yet (call.user
              // unset, call.identity set)
};

using Handler = void (*)(ServerContext& ctx, Call& call);

class Router {
 public:
  struct Route {
    boost::beast::http::verb method;
    std::string pattern;
    Access access;
    Handler handler;
  };

  explicit Router(std::vector<Route> routes);

  // The route for `method` and `path` (no query), with its parameters; nullopt when none. `why`
  // then says whether the path is known under another method (405) or not at all (404), and
  // which parameter made it unknown.
  struct Match {
    const Route* route = nullptr;
    PathParams params;
  };
  struct Miss {
    int status = 404;     // 404, or 405: the path exists for other methods
    std::string message;  // "no such endpoint", "no such grappe", "method not allowed"
  };
  std::expected<Match, Miss> find(boost::beast::http::verb method, std::string_view path) const;

 private:
  struct Segment {
    std::string text;    // a literal, or the parameter's name
    bool param = false;  // {name}
  };
  struct Compiled {
    Route route;
    std::vector<Segment> segments;
  };
  // Matches `parts` against `c`: 1 match, 0 no match, -1 a parameter of the wrong form (its
  // message in `why`).
  static int match(const Compiled& c, const std::vector<std::string_view>& parts,
                   PathParams& params, std::string& why);
  std::vector<Compiled> routes_;
};

}  // namespace grappe::server
