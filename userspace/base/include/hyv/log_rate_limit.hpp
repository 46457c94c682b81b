// SPDX-License-Identifier: GPL-2.0
// Bounds the log lines a guest can cause at will, as the kernel's
// printk_ratelimited() does: at most `burst` lines in an interval, then
// none until it ends; the first line let through after says how many were
// left out.
//
// Locking: none (one io_context, one thread).
#pragma once

#include <chrono>
#include <cstdint>

namespace hyv {

class LogRateLimit {
public:
	using Clock = std::chrono::steady_clock;

	explicit LogRateLimit(unsigned burst = 10,
			      Clock::duration interval = std::chrono::seconds(5))
		: burst_(burst), interval_(interval) {}

	// Whether a line may be logged at `now`.  If it may, `suppressed` is
	// the number of lines left out since the last one let through.
	bool allow(Clock::time_point now, uint64_t &suppressed)
	{
		if (!started_ || now - interval_start_ >= interval_) {
			started_ = true;
			interval_start_ = now;
			in_interval_ = 0;
		}
		if (in_interval_ >= burst_) {
			left_out_++;
			return false;
		}
		in_interval_++;
		suppressed = left_out_;
		left_out_ = 0;
		return true;
	}

private:
	unsigned burst_;
	Clock::duration interval_;
	bool started_ = false;
	Clock::time_point interval_start_;
	unsigned in_interval_ = 0;
	uint64_t left_out_ = 0;
};

} // namespace hyv
