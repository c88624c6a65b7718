#include "tests/integration/prometheus/query_response.h"

#include "gtest/gtest.h"

namespace hv::testing {
namespace {

using counters::testing::HttpResponse;

TEST(QueryPathTest, PercentEncodesEverythingButUnreservedCharacters) {
  EXPECT_EQ(QueryPath("up{job=\"vmms\"} > 0"),
            "/api/v1/query?query=up%7Bjob%3D%22vmms%22%7D%20%3E%200");
  EXPECT_EQ(QueryPath("a_b-c.d~"), "/api/v1/query?query=a_b-c.d~");
}

TEST(UnchunkedBodyTest, DecodesChunksAndPassesPlainBodiesThrough) {
  HttpResponse plain{200, "Content-Length: 5\r\n", "hello"};
  EXPECT_EQ(*UnchunkedBody(plain), "hello");
  HttpResponse chunked{200, "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
                       "5\r\nhello\r\nB;ext=1\r\n, world 123\r\n0\r\n\r\n"};
  EXPECT_EQ(*UnchunkedBody(chunked), "hello, world 123");
}

TEST(UnchunkedBodyTest, RejectsTruncatedOrMalformedChunks) {
  HttpResponse truncated{200, "Transfer-Encoding: chunked\r\n", "10\r\nshort\r\n"};
  EXPECT_EQ(UnchunkedBody(truncated).status().code(), absl::StatusCode::kDataLoss);
  HttpResponse bad_size{200, "Transfer-Encoding: chunked\r\n", "zz\r\nx\r\n0\r\n\r\n"};
  EXPECT_EQ(UnchunkedBody(bad_size).status().code(), absl::StatusCode::kDataLoss);
  HttpResponse no_line{200, "Transfer-Encoding: chunked\r\n", "5"};
  EXPECT_EQ(UnchunkedBody(no_line).status().code(), absl::StatusCode::kDataLoss);
}

TEST(ParseQueryResponseTest, ReadsAnInstantVector) {
  auto r = ParseQueryResponse(
      R"({"status":"success","data":{"resultType":"vector","result":[)"
      R"({"metric":{"__name__":"windows_hyperv_dynamic_memory_vm_physical_bytes","vm":"a"},"value":[1700000000.5,"268435456"]},)"
      R"({"metric":{"vm":"b"},"value":[1700000000.5,"0.83"]}]}})");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].labels.at("vm"), "a");
  EXPECT_EQ((*r)[0].labels.at("__name__"), "windows_hyperv_dynamic_memory_vm_physical_bytes");
  EXPECT_EQ((*r)[0].value, 268435456.0);
  EXPECT_DOUBLE_EQ((*r)[1].value, 0.83);
}

TEST(ParseQueryResponseTest, EmptyResultIsNoSeries) {
  auto r = ParseQueryResponse(R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->empty());
}

TEST(ParseQueryResponseTest, ErrorsAreNamed) {
  auto err = ParseQueryResponse(
      R"({"status":"error","errorType":"bad_data","error":"parse error at char 3"})");
  EXPECT_EQ(err.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(err.status().message().find("parse error at char 3"), std::string::npos);
  EXPECT_EQ(ParseQueryResponse("not json").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseQueryResponse(R"({"status":"success","data":{"resultType":"matrix","result":[]}})")
                .status()
                .code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      ParseQueryResponse(
          R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"x1"]}]}})")
          .status()
          .code(),
      absl::StatusCode::kDataLoss);
  EXPECT_EQ(
      ParseQueryResponse(
          R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1]}]}})")
          .status()
          .code(),
      absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace hv::testing
