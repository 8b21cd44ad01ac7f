// `uitgo seed`: creates the documented demo accounts and, for load tests, N
// riders and drivers, then prints their ids and access tokens as JSON.
#pragma once

#include "core/service/command.hpp"

namespace uitgo::user {
service::Command seed_command();
}
