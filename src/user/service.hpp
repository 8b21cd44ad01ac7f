// user-service: accounts, tokens, profiles and home content.
#pragma once

#include "core/service/command.hpp"

namespace uitgo::user {
service::Command command();
}
