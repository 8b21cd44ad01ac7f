// Fuzz target: the RESP2 reply reader (core/redis reply_reader + reply) on
// arbitrary bytes, as a socket delivers them. The first byte sets the chunk
// size (1 + byte % 32); the rest is fed in chunks of that size, taking every
// complete reply after each chunk, and every reply is read through its
// accessors. The same bytes fed at once must give the same replies and the
// same verdict (ProtocolError or not): chunking never changes the result.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/redis/reply.hpp"
#include "core/redis/reply_reader.hpp"
#include "fuzz/check.hpp"

namespace {

using namespace uitgo;
using fuzz::expect;

struct Outcome {
  std::vector<redis::Reply> replies;
  bool protocol_error = false;
};

// Every accessor: each either answers or throws the documented type error.
void read_all_ways(const redis::Reply& reply) {
  (void)reply.debug_string();
  (void)redis::to_string(reply.type());
  const auto attempt = [](auto read) {
    try {
      read();
    } catch (const redis::CommandError& e) {
      (void)e.code();
    } catch (const redis::ReplyTypeError&) {
      return;
    }
  };
  attempt([&] { (void)reply.as_string(); });
  attempt([&] { (void)reply.as_optional_string(); });
  attempt([&] { (void)reply.as_int(); });
  attempt([&] { (void)reply.as_double(); });
  attempt([&] { (void)reply.error_message(); });
  attempt([&] {
    for (const auto& element : reply.as_array()) read_all_ways(element);
  });
}

Outcome read(std::string_view bytes, std::size_t chunk) {
  Outcome out;
  redis::ReplyReader reader;
  try {
    while (!bytes.empty()) {
      const auto n = std::min(chunk, bytes.size());
      reader.feed(bytes.data(), n);
      bytes.remove_prefix(n);
      while (auto reply = reader.next()) out.replies.push_back(std::move(*reply));
    }
  } catch (const redis::ProtocolError&) {
    out.protocol_error = true;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 32;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto chunked = read(bytes, chunk);
  for (const auto& reply : chunked.replies) read_all_ways(reply);
  const auto whole = read(bytes, bytes.size() + 1);
  expect(whole.protocol_error == chunked.protocol_error, "chunking does not change the verdict");
  if (!whole.protocol_error) expect(whole.replies == chunked.replies, "chunking does not change the replies");
  return 0;
}
