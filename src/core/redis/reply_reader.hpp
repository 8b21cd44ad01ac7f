// Incremental RESP2 parser: bytes in as they arrive from the socket, complete
// replies out. Parsing is hiredis's; only the objects it builds are ours.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>

#include "core/redis/reply.hpp"

struct redisReader;
struct redisReadTask;

namespace uitgo::redis {

// The byte stream is not RESP2; the connection cannot be trusted any more.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ReplyReader {
 public:
  ReplyReader();
  ~ReplyReader();
  ReplyReader(const ReplyReader&) = delete;
  ReplyReader& operator=(const ReplyReader&) = delete;

  void feed(const char* data, std::size_t size);
  // The next complete reply, or nullopt until more bytes are fed. Throws ProtocolError.
  std::optional<Reply> next();

 private:
  // hiredis calls these with the task it is filling; each appends its object
  // to its parent array, so a nested reply is built without copies.
  static void* create_string(const ::redisReadTask* task, char* text, std::size_t size);
  static void* create_array(const ::redisReadTask* task, int elements);
  static void* create_integer(const ::redisReadTask* task, long long value);
  static void* create_nil(const ::redisReadTask* task);
  static void free_object(void* object);
  static void* place(const ::redisReadTask* task, Reply&& reply);

  redisReader* reader_;
};

}  // namespace uitgo::redis
