// Identifiers for test data: random UUIDs and names unique per process.
#pragma once

#include <string>

namespace uitgo::test {

// A random canonical (lower-case) UUID v4.
std::string new_uuid();

// "<pid>-<n>", n counting up from 1 in this process: makes emails, plates and
// titles unique across tests that share a database.
std::string unique_suffix();

}  // namespace uitgo::test
