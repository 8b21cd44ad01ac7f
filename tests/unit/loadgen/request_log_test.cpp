#include "loadgen/request_log.hpp"

#include <gtest/gtest.h>

namespace uitgo::loadgen {
namespace {

TEST(RequestLog, OneLinePerRequestWithSevenFields) {
  const auto line = request_log_line({.end_ms = 1795000000123,
                                      .scenario = "riders",
                                      .request = "POST /v1/trips",
                                      .status = 201,
                                      .error = "",
                                      .latency_ms = 12.3456,
                                      .id = "6f1c2f4e-0000-4000-8000-000000000001"});
  EXPECT_EQ(line, "1795000000123,riders,POST /v1/trips,201,,12.346,6f1c2f4e-0000-4000-8000-000000000001\n");
  EXPECT_EQ(kRequestLogHeader, "end_ms,scenario,request,status,error,latency_ms,id\n");
}

TEST(RequestLog, NoAnswerKeepsTheReasonAndCommasCannotSplitAField) {
  const auto line = request_log_line({.end_ms = 5,
                                      .scenario = "a,b",
                                      .request = "GET /x\n",
                                      .status = 0,
                                      .error = "connect, refused",
                                      .latency_ms = 0});
  EXPECT_EQ(line, "5,a b,GET /x ,0,connect  refused,0.000,\n");
}

TEST(RequestLog, AnswerIdIsTheTopLevelIdStringOfAnObject) {
  EXPECT_EQ(answer_id(R"({"id":"t-1","status":"requested","driver":{"id":"d-1"}})"), "t-1");
  EXPECT_EQ(answer_id(" \n{\"status\":\"x\",\"id\":\"t-2\"}"), "t-2");
  EXPECT_EQ(answer_id(R"({"items":[{"id":"t-1"}],"total":1})"), "");
  EXPECT_EQ(answer_id(R"([{"id":"t-1"}])"), "");
  EXPECT_EQ(answer_id(R"({"id":7})"), "");
  EXPECT_EQ(answer_id(R"({"id":"t-1")"), "");
  EXPECT_EQ(answer_id("<html>502</html>"), "");
  EXPECT_EQ(answer_id(""), "");
}

}  // namespace
}  // namespace uitgo::loadgen
