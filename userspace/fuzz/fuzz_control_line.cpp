// SPDX-License-Identifier: GPL-2.0
// Fuzzes what a control socket client controls: one request line, from a
// client whose role the first byte picks.  Every line gets one JSON object
// with "ok"; a stranger's line, and only a stranger's, gets the stranger's
// "permission denied", and only an administrator's changes which devices
// the VMs have.
#include "../tests/broker_fixture.hpp"

#include <hyv/broker/control_commands.hpp>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <optional>
#include <string_view>

namespace {

using namespace hyv;

struct Harness {
	test::BrokerFixture broker;
	std::optional<broker::VmRegistry::Registration> guest1, guest2;

	Harness()
	{
		guest1.emplace(broker.add_vm("guest1"));
		guest2.emplace(broker.add_vm("guest2"));
	}

	// Which VM has which device, as hyvctl devices shows it.
	nlohmann::json assignment() { return broker::device_list_json(broker.broker()); }
};

Harness &harness()
{
	static Harness instance;
	return instance;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
	spdlog::set_level(spdlog::level::off);
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	using broker::ControlRole;

	if (size == 0)
		return 0;
	const auto role = static_cast<ControlRole>(data[0] % 3);
	const std::string_view line(reinterpret_cast<const char *>(data) + 1, size - 1);
	Harness &h = harness();

	const nlohmann::json before = h.assignment();
	const nlohmann::json reply = nlohmann::json::parse(
		broker::handle_control_line(line, h.broker.broker(), role), nullptr, false);
	if (reply.is_discarded() || !reply.is_object() || !reply.contains("ok") ||
	    !reply["ok"].is_boolean())
		std::abort();
	// Strangers get this and nothing else; nobody else ever gets it.
	const bool stranger_reply =
		reply["ok"] == false &&
		reply.value("error", "") == "permission denied: not a user of hyvd's control socket";
	if (stranger_reply != (role == ControlRole::none))
		std::abort();
	if (role != ControlRole::admin && h.assignment() != before)
		std::abort();
	return 0;
}
