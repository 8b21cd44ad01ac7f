// driver-service: driver profiles, availability, locations, search, matching.
#pragma once

#include "core/service/command.hpp"

namespace uitgo::driver {
service::Command command();
}
