#include "files/clamd_protocol.hpp"

#include <gtest/gtest.h>

namespace gc::files {
namespace {

TEST(ClamdProtocol, CommandIsNulTerminated) {
  EXPECT_EQ(kInstreamCommand, std::string_view("zINSTREAM\0", 10));
  EXPECT_EQ(kInstreamCommand.size(), 10u);
}

TEST(ClamdProtocol, ChunksCarryABigEndianLength) {
  EXPECT_EQ(frameChunk("abc"), std::string("\0\0\0\3abc", 7));
  const auto prefix = chunkPrefix(0x01020304);
  EXPECT_EQ(std::string(prefix.data(), 4), "\x01\x02\x03\x04");
  const auto big = chunkPrefix(65536);
  EXPECT_EQ(std::string(big.data(), 4), std::string("\0\1\0\0", 4));
  EXPECT_EQ(frameChunk(""), std::string(4, '\0'));  // the end of the stream
}

TEST(ClamdProtocol, ReadsVerdicts) {
  const auto clean = parseScanReply(std::string_view("stream: OK\0", 11));
  EXPECT_EQ(clean.kind, ScanVerdict::Kind::Clean);
  const auto found =
      parseScanReply(std::string_view("stream: Test.EICAR.NDB.UNOFFICIAL FOUND\0", 40));
  EXPECT_EQ(found.kind, ScanVerdict::Kind::Infected);
  EXPECT_EQ(found.detail, "Test.EICAR.NDB.UNOFFICIAL");
  const auto limit = parseScanReply("INSTREAM size limit exceeded. ERROR");
  EXPECT_EQ(limit.kind, ScanVerdict::Kind::Error);
  EXPECT_EQ(limit.detail, "INSTREAM size limit exceeded. ERROR");
  EXPECT_EQ(parseScanReply("").kind, ScanVerdict::Kind::Error);
  EXPECT_EQ(parseScanReply("stream: something else").kind, ScanVerdict::Kind::Error);
}

}  // namespace
}  // namespace gc::files
