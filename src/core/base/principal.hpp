// Who is calling: the user id and role an access token proved. Use cases take
// it instead of a request, so they stay free of HTTP types.
#pragma once

#include <string>

namespace uitgo {

struct Principal {
  std::string user_id;
  std::string role;  // rider | driver | admin
};

}  // namespace uitgo
