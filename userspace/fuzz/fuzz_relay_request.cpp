// SPDX-License-Identifier: GPL-2.0
// Fuzzes what a guest controls: a relay frame (vhost_hyv's header and the
// guest's request bytes) through the dispatcher hyvd runs, for one VM with
// two fake host devices whose contexts persist across inputs (their uverbs
// files and the relay's memory are fakes, so VERB, REG_MR and DOORBELL run
// through), and checks that the answer stays within what the chain offered,
// the pinned pages within the quota, and that a reset notice leaves nothing.
#include "../tests/fake_host_device.hpp"

#include <hyv/broker/broker.hpp>
#include <hyv/broker/request_dispatcher.hpp>
#include <hyv/proto/byte_order.hpp>
#include <hyv/proto/relay_frame.hpp>

#include <linux/virtio_hyv.h>

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <optional>
#include <vector>

namespace {

using namespace hyv;

struct Harness {
	broker::FixedInventory inventory{{test::scanned_device(1, "rxe0", 1, 14),
					  test::scanned_device(2, "siw0", 2, 18)}};
	broker::Broker broker{broker::Config{}, inventory, test::fake_opener(2)};
	std::optional<broker::VmRegistry::Registration> vm;

	Harness()
	{
		broker.rescan();
		vm.emplace(broker.add_vm({.name = "fuzz"}, [](const broker::Vm &, const auto &) {}));
		vm->vm().set_relay_memory(std::make_unique<test::FakeRelayMemory>(
			std::make_shared<test::Journal>()));
	}
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
	using namespace hyv::proto;

	const auto frame = std::as_bytes(std::span(data, size));
	std::vector<std::byte> out(kRelayWriteBufferSize);
	broker::Vm &vm = harness().vm->vm();

	const auto len = dispatch_relay_frame(vm, frame, out);
	const auto header = decode_relay_header(frame);
	if (header && header->id == VHOST_HYV_RELAY_RESET) {
		// vhost_hyv's reset notice has no answer and leaves nothing behind.
		if (len || vm.context_count() != 0 || vm.pinned_pages() != 0)
			std::abort();
		return 0;
	}
	if (!len) {
		if (header)
			std::abort();	// a frame that names its request is answered
		return 0;
	}
	const uint32_t resp_len = load_native<uint32_t>(out, 8);
	if (*len != kRelayResponseHeaderSize + resp_len || resp_len > header->resp_max ||
	    load_native<uint64_t>(out, 0) != header->id)
		std::abort();
	// Errors carry no payload.
	if (resp_len >= sizeof(virtio_hyv_resp_hdr) && load_le<uint32_t>(out, 16) != 0 &&
	    resp_len != sizeof(virtio_hyv_resp_hdr))
		std::abort();
	if (vm.context_count() > vm.policy().max_contexts ||
	    vm.pinned_pages() > vm.policy().max_pinned_pages())
		std::abort();
	return 0;
}
