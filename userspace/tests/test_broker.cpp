// SPDX-License-Identifier: GPL-2.0
// Device assignment, host devices coming and going, hyvctl attach/detach:
// what each VM has and which events its guest is told.
#include "broker_fixture.hpp"
#include "test_support.hpp"

#include <hyv/broker/device_assignment.hpp>
#include <hyv/broker/request_dispatcher.hpp>
#include <hyv/proto/relay_frame.hpp>

#include <catch2/catch_test_macros.hpp>

#include <cerrno>

using namespace hyv::broker;
using namespace hyv::test;

namespace {

constexpr uint32_t kAdded = VIRTIO_HYV_EVT_DEVICE_ADDED;
constexpr uint32_t kRemoved = VIRTIO_HYV_EVT_DEVICE_REMOVED;

Config config(std::string_view text)
{
	return parse_config(text, "test").value();
}

std::vector<std::string> names(const std::vector<std::shared_ptr<HostDevice>> &devices)
{
	std::vector<std::string> out;
	for (const auto &device : devices)
		out.push_back(device->name());
	return out;
}

std::string refusal(const Refusable<void> &result)
{
	REQUIRE_FALSE(result);
	return result.error().reason;
}

// A context for `vm` on `device`, made through the dispatcher.
void create_context(Vm &vm, uint32_t dev_id)
{
	Bytes out(hyv::proto::kRelayWriteBufferSize);
	REQUIRE(dispatch_relay_frame(vm, relay_frame(1, create_context_request(dev_id, {}, 8)), out));
	REQUIRE(hyv::proto::load_le<uint32_t>(out, 16) == 0);
}

} // namespace

TEST_CASE("host devices get dev_ids that stay theirs", "[devices]")
{
	BrokerFixture f;
	const uint32_t rxe = f.dev_id_of("rxe0");
	const uint32_t siw = f.dev_id_of("siw0");
	CHECK(rxe != siw);

	f.broker().rescan();
	CHECK(f.dev_id_of("rxe0") == rxe);

	// siw0 goes and comes back (a new kernel index): a new device, a new id.
	f.inventory().set({default_scan()[0]});
	f.broker().rescan();
	CHECK(f.broker().devices().devices().size() == 1);
	auto back = default_scan();
	back[1].index = 7;
	f.inventory().set(back);
	f.broker().rescan();
	CHECK(f.dev_id_of("siw0") != siw);
	CHECK(f.dev_id_of("rxe0") == rxe);
}

TEST_CASE("devices without uverbs or that fail to open are not offered", "[devices]")
{
	auto scan = default_scan();
	scan[0].uverbs_error = std::make_error_code(std::errc::no_such_file_or_directory);
	BrokerFixture f({}, scan, fake_opener(1, "siw0"));
	CHECK(f.broker().devices().devices().empty());
	auto registration = f.add_vm("guest1");
	CHECK(registration.vm().devices().empty());

	// Fixed later (ib_uverbs loaded): picked up at the next scan.
	scan[0].uverbs_error = {};
	f.inventory().set(scan);
	f.broker().rescan();
	CHECK(BrokerFixture::names(registration.vm()) == std::vector<std::string>{"rxe0"});
}

TEST_CASE("a VM's devices follow its configuration", "[assignment]")
{
	BrokerFixture f(config(R"(
[defaults]
devices = []
[vm.guest1]
devices = ["rxe0"]
[vm.guest2]
devices = ["0002:c903:0000:2222"]
[vm.guest3]
devices = ["*"]
[vm.guest4]
devices = ["rxe9"]
)"));
	auto g1 = f.add_vm("guest1");
	auto g2 = f.add_vm("guest2");
	auto g3 = f.add_vm("guest3");
	auto g4 = f.add_vm("guest4");
	auto other = f.add_vm("other");
	CHECK(BrokerFixture::names(g1.vm()) == std::vector<std::string>{"rxe0"});
	CHECK(BrokerFixture::names(g2.vm()) == std::vector<std::string>{"siw0"});
	CHECK(BrokerFixture::names(g3.vm()) == std::vector<std::string>{"rxe0", "siw0"});
	CHECK(g4.vm().devices().empty());
	CHECK(other.vm().devices().empty());
	// The initial devices come with HELLO, not as events.
	CHECK(f.take_events().empty());
}

TEST_CASE("a VM gets at most VIRTIO_HYV_MAX_DEVICES devices", "[assignment]")
{
	std::vector<ScannedDevice> many;
	for (uint32_t i = 0; i < VIRTIO_HYV_MAX_DEVICES + 2; i++)
		many.push_back(scanned_device(i, "rxe" + std::to_string(i), i));
	BrokerFixture f({}, many);
	auto registration = f.add_vm("guest1");
	const DeviceSelection selection = select_devices(registration.vm(), f.broker().devices());
	CHECK(selection.devices.size() == VIRTIO_HYV_MAX_DEVICES);
	CHECK(selection.left_out == 2);
	CHECK(registration.vm().devices().size() == VIRTIO_HYV_MAX_DEVICES);
	// By dev_id: the first ones found.
	CHECK(names(selection.devices).front() == "rxe0");
	CHECK(refusal(f.broker().attach("guest1", "rxe17")) ==
	      "VM 1 has 16 devices, the most a VM can have");
}

TEST_CASE("overrides beat the configuration", "[assignment]")
{
	BrokerFixture f(config("[defaults]\ndevices = [\"rxe0\"]\n"));
	auto registration = f.add_vm("guest1");
	Vm &vm = registration.vm();
	vm.set_override("siw0", true);
	vm.set_override("rxe0", false);
	CHECK(names(select_devices(vm, f.broker().devices()).devices) ==
	      std::vector<std::string>{"siw0"});
}

TEST_CASE("devices appearing and going are announced to the VMs allowed them", "[devices]")
{
	BrokerFixture f(config("[vm.guest2]\ndevices = [\"rxe0\"]\n"), {default_scan()[0]});
	auto g1 = f.add_vm("guest1");
	auto g2 = f.add_vm("guest2");
	const uint32_t rxe = f.dev_id_of("rxe0");

	f.inventory().set(default_scan());
	f.broker().rescan();
	const uint32_t siw = f.dev_id_of("siw0");
	CHECK(f.take_events() == std::vector<SeenEvent>{{1, kAdded, siw, "siw0"}});
	CHECK(BrokerFixture::names(g1.vm()) == std::vector<std::string>{"rxe0", "siw0"});

	// Nothing changed, nothing said.
	f.broker().rescan();
	CHECK(f.take_events().empty());

	f.inventory().set({default_scan()[1]});
	f.broker().rescan();
	CHECK(f.take_events() ==
	      std::vector<SeenEvent>{{1, kRemoved, rxe, ""}, {2, kRemoved, rxe, ""}});
	CHECK(g2.vm().devices().empty());
}

TEST_CASE("a device going away closes the contexts on it first", "[devices]")
{
	BrokerFixture f;
	auto registration = f.add_vm("guest1");
	Vm &vm = registration.vm();
	create_context(vm, f.dev_id_of("rxe0"));
	create_context(vm, f.dev_id_of("rxe0"));
	create_context(vm, f.dev_id_of("siw0"));
	FakeHostDevice &rxe = f.device("rxe0");
	REQUIRE(rxe.open_contexts() == 2);

	// The host device object lives on only as long as the broker holds it;
	// keep one to look at its contexts afterwards.
	auto kept = f.broker().devices().find(f.dev_id_of("rxe0"));
	f.inventory().set({default_scan()[1]});
	f.broker().rescan();
	CHECK(rxe.open_contexts() == 0);
	CHECK(vm.context_count() == 1);
	CHECK(f.device("siw0").open_contexts() == 1);
	// The guest heard of the removal when only siw0's context was left.
	CHECK(f.contexts_at_removal() == std::vector<std::size_t>{1});
}

TEST_CASE("attach and detach change one VM and tell its guest", "[attach]")
{
	BrokerFixture f(config("[defaults]\ndevices = [\"rxe0\"]\n"));
	auto g1 = f.add_vm("guest1");
	auto g2 = f.add_vm("guest2");
	const uint32_t rxe = f.dev_id_of("rxe0");
	const uint32_t siw = f.dev_id_of("siw0");

	REQUIRE(f.broker().attach("guest1", "siw0"));
	CHECK(BrokerFixture::names(g1.vm()) == std::vector<std::string>{"rxe0", "siw0"});
	CHECK(g2.vm().devices().size() == 1);
	CHECK(f.take_events() == std::vector<SeenEvent>{{1, kAdded, siw, "siw0"}});

	create_context(g1.vm(), rxe);
	REQUIRE(f.broker().detach("1", "rxe0"));
	CHECK(BrokerFixture::names(g1.vm()) == std::vector<std::string>{"siw0"});
	CHECK(g1.vm().context_count() == 0);
	CHECK(f.device("rxe0").open_contexts() == 0);
	CHECK(f.take_events() == std::vector<SeenEvent>{{1, kRemoved, rxe, ""}});

	// The detach holds when the device comes back.
	f.inventory().set({default_scan()[1]});
	f.broker().rescan();
	f.take_events();
	f.inventory().set(default_scan());
	f.broker().rescan();
	CHECK(BrokerFixture::names(g1.vm()) == std::vector<std::string>{"siw0"});
	CHECK(BrokerFixture::names(g2.vm()) == std::vector<std::string>{"rxe0"});

	// By GUID, and by vm_id.  Devices are ordered by dev_id: rxe0's is
	// newer now.
	REQUIRE(f.broker().attach("2", "0002:c903:0000:2222"));
	CHECK(BrokerFixture::names(g2.vm()) == std::vector<std::string>{"siw0", "rxe0"});
}

TEST_CASE("attach and detach explain what they refuse", "[attach]")
{
	BrokerFixture f;
	auto g1 = f.add_vm("guest1", *parse_uuid("8c1e5a53-2b1c-4f8e-9a43-0d4c1b2e7f10"));

	CHECK(refusal(f.broker().attach("guest9", "rxe0")) == "no VM named 'guest9'");
	CHECK(refusal(f.broker().attach("7", "rxe0")) == "no VM with vm_id 7");
	CHECK(refusal(f.broker().attach("00000000-0000-0000-0000-000000000000", "rxe0")) ==
	      "no VM with UUID '00000000-0000-0000-0000-000000000000'");
	CHECK(refusal(f.broker().attach("guest1", "mlx5_0")) == "no host RDMA device 'mlx5_0'");
	CHECK(refusal(f.broker().attach("guest1", "*")) == "'*' is not a device name or node GUID");
	CHECK(refusal(f.broker().attach("guest1", "rxe0")) == "rxe0 is already attached to VM 1");
	REQUIRE(f.broker().detach("8C1E5A53-2B1C-4F8E-9A43-0D4C1B2E7F10", "rxe0"));
	CHECK(refusal(f.broker().detach("guest1", "rxe0")) == "rxe0 is not attached to VM 1");

	auto twin = f.add_vm("guest1");
	CHECK(refusal(f.broker().attach("guest1", "rxe0")) ==
	      "2 VMs are 'guest1' (vm_id 1, 2); name one by vm_id");
}

TEST_CASE("hyvctl's changes last only as long as the VM's connection", "[attach]")
{
	BrokerFixture f;
	{
		auto registration = f.add_vm("guest1");
		REQUIRE(f.broker().detach("guest1", "siw0"));
	}
	auto again = f.add_vm("guest1");
	CHECK(BrokerFixture::names(again.vm()) == std::vector<std::string>{"rxe0", "siw0"});
}

TEST_CASE("a failing inventory leaves the devices as they were", "[devices]")
{
	class FailingInventory final : public DeviceInventory {
	public:
		hyv::Result<std::vector<ScannedDevice>> host_devices() override
		{
			if (fail)
				return hyv::errno_code(EPERM);
			return default_scan();
		}
		bool fail = false;
	} inventory;

	Broker broker({}, inventory, fake_opener());
	broker.rescan();
	REQUIRE(broker.devices().devices().size() == 2);
	inventory.fail = true;
	broker.rescan();
	CHECK(broker.devices().devices().size() == 2);
}
