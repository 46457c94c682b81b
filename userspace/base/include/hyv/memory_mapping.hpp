// SPDX-License-Identifier: GPL-2.0
// MemoryMapping: sole owner of an mmap()ed range; munmap()s it exactly once.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <utility>

namespace hyv {

class MemoryMapping {
public:
	MemoryMapping() = default;
	MemoryMapping(void *addr, std::size_t length) : addr_(addr), length_(length) {}
	MemoryMapping(MemoryMapping &&other) noexcept
		: addr_(std::exchange(other.addr_, nullptr)), length_(std::exchange(other.length_, 0))
	{
	}
	MemoryMapping &operator=(MemoryMapping &&other) noexcept
	{
		if (this != &other) {
			reset();
			addr_ = std::exchange(other.addr_, nullptr);
			length_ = std::exchange(other.length_, 0);
		}
		return *this;
	}
	MemoryMapping(const MemoryMapping &) = delete;
	MemoryMapping &operator=(const MemoryMapping &) = delete;
	~MemoryMapping() { reset(); }

	void *addr() const { return addr_; }
	std::size_t length() const { return length_; }
	explicit operator bool() const { return addr_ != nullptr; }

	void reset()
	{
		if (addr_)
			::munmap(addr_, length_);
		addr_ = nullptr;
		length_ = 0;
	}

private:
	void *addr_ = nullptr;
	std::size_t length_ = 0;
};

} // namespace hyv
