// A Lua script and its SHA1, so Client::eval can send the 40-byte digest
// (EVALSHA) instead of the source on every call.
#pragma once

#include <memory>
#include <string>

namespace uitgo::redis {

class Script {
 public:
  explicit Script(std::string source);

  const std::string& source() const { return *source_; }
  // The same text, shared: a call in flight keeps it for a NOSCRIPT fallback
  // without copying it.
  const std::shared_ptr<const std::string>& shared_source() const { return source_; }
  // Lower-case hex, as SCRIPT LOAD returns it.
  const std::string& sha1() const { return sha1_; }

 private:
  std::shared_ptr<const std::string> source_;
  std::string sha1_;
};

}  // namespace uitgo::redis
