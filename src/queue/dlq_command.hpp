// `uitgo match-dlq list [--limit N] | replay ID... | replay --all`: inspect
// and replay the matching queue's dead-letter stream.
#pragma once

#include "core/service/command.hpp"

namespace uitgo::queue {
service::Command dlq_command();
}
