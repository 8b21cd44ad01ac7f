// `uitgo loadgen PROFILE [options]`: the open-model load generator. Runs the
// scenarios of loadtests/scenarios/PROFILE.json against the API base and
// writes a k6-style summary. See loadtests/README.md.
#pragma once

#include "core/service/command.hpp"

namespace uitgo::loadgen {
service::Command command();
}
