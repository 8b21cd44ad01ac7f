// The authentication seam. The router asks an Authenticator for the caller
// of every route whose Access requires it; the JWT verifier implements this.
#pragma once

#include "core/http/request.hpp"

namespace uitgo::http {

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Returns the verified caller or throws DomainError (unauthenticated).
  virtual Principal authenticate(const Request& request) const = 0;
};

// Used until a verifier is configured: every protected route answers 401.
class RejectAllAuthenticator final : public Authenticator {
 public:
  Principal authenticate(const Request& request) const override;
};

// The bearer token of the Authorization header, or, for WebSocket upgrade
// requests only, of ?token= or ?accessToken= (browser WebSocket clients cannot
// set headers); empty when absent.
std::string_view bearer_token(const Request& request);

}  // namespace uitgo::http
