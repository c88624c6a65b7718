#include "cim-schema/datetime.h"

#include "gtest/gtest.h"

namespace hv::cim {
namespace {

TEST(DateTime, ParsesTimestampAndInterval) {
  auto ts = DateTime::Parse("20180911124613.128000+060");
  ASSERT_TRUE(ts.ok()) << ts.status();
  EXPECT_FALSE(ts->is_interval());
  auto iv = DateTime::Parse("00000001020304.000005:000");
  ASSERT_TRUE(iv.ok()) << iv.status();
  EXPECT_TRUE(iv->is_interval());
  EXPECT_EQ(*iv->ToMicros(), ((1 * 86400 + 2 * 3600 + 3 * 60 + 4) * 1000000ll) + 5);
  EXPECT_EQ(DateTime().text(), "00000000000000.000000:000");
}

TEST(DateTime, OffsetIsAppliedToInstants) {
  auto a = DateTime::Parse("19700101010000.000000+060");  // 01:00 at UTC+1 = epoch
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a->ToMicros(), 0);
  auto b = DateTime::Parse("19700101000000.000000+000");
  EXPECT_EQ(a->Compare(*b), 0);
  EXPECT_FALSE(*a == *b);  // different text, same instant
}

TEST(DateTime, WildcardsOnlyInLowOrderDigits) {
  auto w = DateTime::Parse("20180911124613.128***+000");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_TRUE(w->has_wildcards());
  EXPECT_FALSE(w->ToMicros().has_value());
  EXPECT_FALSE(DateTime::Parse("2018091112*613.128000+000").ok());
  EXPECT_FALSE(DateTime::Parse("20180911124613.128000+0*0").ok());  // never in the offset
  EXPECT_TRUE(DateTime::Parse("2018**********.******+000").ok());
}

TEST(DateTime, RejectsMalformed) {
  EXPECT_FALSE(DateTime::Parse("").ok());
  EXPECT_FALSE(DateTime::Parse("20181311124613.128000+000").ok());  // month 13
  EXPECT_FALSE(DateTime::Parse("20180911244613.128000+000").ok());  // hour 24
  EXPECT_FALSE(DateTime::Parse("00000000240000.000000:000").ok());  // interval hours
  EXPECT_FALSE(DateTime::Parse("00000000000000.000000:001").ok());
  EXPECT_FALSE(DateTime::Parse("20180911124613x128000+000").ok());
  auto s = DateTime::Parse("2018091112461a.128000+000");
  EXPECT_NE(s.status().message().find("position 14"), std::string::npos) << s.status();
}

TEST(DateTime, Builders) {
  auto t = DateTime::Timestamp(2024, 2, 29, 23, 59, 60, 999999, -300);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->text(), "20240229235960.999999-300");
  auto i = DateTime::Interval(12, 1, 2, 3, 4);
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(i->text(), "00000012010203.000004:000");
  EXPECT_FALSE(DateTime::Interval(-1, 0, 0, 0, 0).ok());
  EXPECT_FALSE(i->Compare(*t).has_value());
}

}  // namespace
}  // namespace hv::cim
