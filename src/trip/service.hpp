// trip-service: trips, their state machine, live tracking, read replica routing.
#pragma once

#include "core/service/command.hpp"

namespace uitgo::trip {
service::Command command();
}
