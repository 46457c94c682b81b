// SPDX-License-Identifier: GPL-2.0
#include <hyv/log_rate_limit.hpp>

#include <catch2/catch_test_macros.hpp>

using namespace std::chrono_literals;
using hyv::LogRateLimit;

TEST_CASE("a burst of lines is let through, the rest of its interval is not")
{
	LogRateLimit limit(3, 5s);
	const auto t0 = LogRateLimit::Clock::time_point{} + 100s;
	uint64_t suppressed = 99;

	for (int i = 0; i < 3; i++) {
		REQUIRE(limit.allow(t0 + i * 1s, suppressed));
		CHECK(suppressed == 0);
	}
	CHECK_FALSE(limit.allow(t0 + 3s, suppressed));
	CHECK_FALSE(limit.allow(t0 + 4s, suppressed));
	CHECK_FALSE(limit.allow(t0 + 4999ms, suppressed));

	SECTION("the next interval's first line counts what was left out")
	{
		REQUIRE(limit.allow(t0 + 5s, suppressed));
		CHECK(suppressed == 3);
		REQUIRE(limit.allow(t0 + 6s, suppressed));
		CHECK(suppressed == 0);
	}
}

TEST_CASE("lines further apart than the interval are all let through")
{
	LogRateLimit limit(1, 5s);
	const auto t0 = LogRateLimit::Clock::time_point{};
	uint64_t suppressed = 99;

	for (int i = 0; i < 4; i++) {
		REQUIRE(limit.allow(t0 + i * 6s, suppressed));
		CHECK(suppressed == 0);
	}
}
