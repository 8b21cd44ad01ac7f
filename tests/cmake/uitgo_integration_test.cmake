# uitgo_integration_test(<area> <name> SOURCES <file>... [LIBS <lib>...] [TIMEOUT <seconds>]
#                        [INCLUDE_PARENT] [SERVICES])
#
# One integration test binary: target integration_<area>_<name>, ctest entry
# <area>.<name>.integration (label `integration`, TIMEOUT default 600 s).
# Every binary links the shared harness (uitgo_test_support) and gtest_main.
#   INCLUDE_PARENT  headers of other areas are reachable as "<area>/<file>.hpp"
#   SERVICES        the binary runs build/uitgo (services or one of its commands),
#                   so building the test builds the binary first
function(uitgo_integration_test area name)
  cmake_parse_arguments(PARSE_ARGV 2 arg "INCLUDE_PARENT;SERVICES" "TIMEOUT" "SOURCES;LIBS")
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "uitgo_integration_test(${area} ${name}): SOURCES is required")
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 600)
  endif()
  set(target integration_${area}_${name})
  add_executable(${target} ${arg_SOURCES})
  target_link_libraries(${target} PRIVATE ${arg_LIBS} uitgo_test_support GTest::gtest_main)
  if(arg_INCLUDE_PARENT)
    target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/tests/integration)
  endif()
  if(arg_SERVICES)
    add_dependencies(${target} uitgo)
  endif()
  add_test(NAME ${area}.${name}.integration COMMAND ${target})
  set_tests_properties(${area}.${name}.integration PROPERTIES LABELS integration TIMEOUT ${arg_TIMEOUT})
endfunction()
