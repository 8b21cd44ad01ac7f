#include "core/redis/reply_reader.hpp"

#include <hiredis/read.h>

#include <algorithm>
#include <memory>
#include <new>

namespace uitgo::redis {
namespace {

// Room made for an array's elements when its header arrives (see create_array).
constexpr std::size_t kReservedElements = 1024;

}  // namespace

ReplyReader::ReplyReader() {
  // hiredis wants a mutable pointer but never writes through it; initialized once, then only read.
  static redisReplyObjectFunctions functions = {&ReplyReader::create_string, &ReplyReader::create_array,
                                                &ReplyReader::create_integer, &ReplyReader::create_nil,
                                                &ReplyReader::free_object};
  reader_ = redisReaderCreateWithFunctions(&functions);
  if (reader_ == nullptr) throw std::bad_alloc();
}

ReplyReader::~ReplyReader() { redisReaderFree(reader_); }

void ReplyReader::feed(const char* data, std::size_t size) {
  if (redisReaderFeed(reader_, data, size) != REDIS_OK) {
    throw ProtocolError(std::string("redis reply parser: ") + reader_->errstr);
  }
}

std::optional<Reply> ReplyReader::next() {
  void* object = nullptr;
  if (redisReaderGetReply(reader_, &object) != REDIS_OK) {
    throw ProtocolError(std::string("redis reply parser: ") + reader_->errstr);
  }
  if (object == nullptr) return std::nullopt;
  std::unique_ptr<Reply> root(static_cast<Reply*>(object));
  return std::move(*root);
}

void* ReplyReader::place(const redisReadTask* task, Reply&& reply) {
  try {
    if (task->parent == nullptr) return new Reply(std::move(reply));
    // hiredis fills an array's elements in order and refers only to the newest
    // element of each level, so appending (which may move earlier siblings) is safe.
    auto& elements = static_cast<Reply*>(task->parent->obj)->elements_;
    if (static_cast<std::size_t>(task->idx) != elements.size()) return nullptr;  // out of order: refuse
    return &elements.emplace_back(std::move(reply));
  } catch (const std::bad_alloc&) {
    return nullptr;  // hiredis reports out-of-memory as a reader error
  }
}

void* ReplyReader::create_string(const redisReadTask* task, char* text, std::size_t size) {
  try {
    std::string bytes(text, size);
    switch (task->type) {
      case REDIS_REPLY_STATUS:
        return place(task, Reply::status(std::move(bytes)));
      case REDIS_REPLY_ERROR:
        return place(task, Reply::error(std::move(bytes)));
      default:
        return place(task, Reply::string(std::move(bytes)));
    }
  } catch (const std::bad_alloc&) {
    return nullptr;  // no exception may cross hiredis's C frames
  }
}

// The header's count is only a promise: beyond kReservedElements, room is
// made as elements arrive, so memory follows the bytes received and a bogus
// count (*2147483647) cannot make the reader allocate gigabytes up front.
void* ReplyReader::create_array(const redisReadTask* task, int elements) {
  try {
    std::vector<Reply> room;
    room.reserve(std::min(static_cast<std::size_t>(elements), kReservedElements));
    return place(task, Reply::array(std::move(room)));
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void* ReplyReader::create_integer(const redisReadTask* task, long long value) {
  return place(task, Reply::integer(value));
}

void* ReplyReader::create_nil(const redisReadTask* task) { return place(task, Reply()); }

// hiredis frees only root objects (on a parse error or when the reader goes away);
// children belong to their parent's elements.
void ReplyReader::free_object(void* object) { delete static_cast<Reply*>(object); }

}  // namespace uitgo::redis
