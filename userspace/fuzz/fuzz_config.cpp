// SPDX-License-Identifier: GPL-2.0
// Fuzzes hyvd's configuration parser: any text is a configuration or an
// error message naming the file, never a crash; a configuration's policies
// stay within their limits.
#include <hyv/broker/config.hpp>

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	using namespace hyv::broker;

	const std::string_view text(reinterpret_cast<const char *>(data), size);
	auto config = parse_config(text, "fuzz.toml");
	if (!config) {
		if (!config.error().message.starts_with("fuzz.toml:"))
			std::abort();
		return 0;
	}
	for (const auto &[name, section] : config->by_name) {
		const VmPolicy policy = config->policy_for(name, {});
		if (policy.max_contexts > kMaxMaxContexts || name.empty())
			std::abort();
	}
	return 0;
}
