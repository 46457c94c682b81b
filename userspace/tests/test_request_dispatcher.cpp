// SPDX-License-Identifier: GPL-2.0
// Every request through the dispatcher hyvd runs, against fake devices.
#include "broker_fixture.hpp"
#include "test_support.hpp"

#include <hyv/broker/request_dispatcher.hpp>
#include <hyv/proto/relay_frame.hpp>

#include <catch2/catch_test_macros.hpp>

#include <cerrno>

using namespace hyv::proto;
using namespace hyv::test;
using hyv::broker::dispatch_relay_frame;
using hyv::broker::Vm;

namespace {

struct Answer {
	uint64_t id;
	Bytes body;

	uint32_t status() const { return load_le<uint32_t>(body, 0); }
};

Answer answer(Vm &vm, const Bytes &frame)
{
	Bytes out(kRelayWriteBufferSize);
	auto size = dispatch_relay_frame(vm, frame, out);
	REQUIRE(size);
	REQUIRE(*size >= kRelayResponseHeaderSize);
	const uint32_t resp_len = load_native<uint32_t>(out, 8);
	REQUIRE(*size == kRelayResponseHeaderSize + resp_len);
	return {load_native<uint64_t>(out, 0),
		Bytes(out.begin() + 16, out.begin() + 16 + resp_len)};
}

uint32_t status_of(Vm &vm, const Bytes &request, uint32_t resp_max = 4096)
{
	const Answer a = answer(vm, relay_frame(1, request, resp_max));
	if (a.status() != 0)
		CHECK(a.body.size() == 8);	// errors carry no payload
	return a.status();
}

class DispatchFixture : public BrokerFixture {
public:
	DispatchFixture() : registration_(add_vm("guest1")) {}

	Vm &vm() { return registration_.vm(); }
	uint32_t rxe() const { return dev_id_of("rxe0"); }
	uint32_t siw() const { return dev_id_of("siw0"); }

	// A new context on siw0; its handle.
	uint32_t create_context(uint32_t resp_udata_max = 8)
	{
		const Answer a = answer(vm(), relay_frame(5, create_context_request(siw(), {},
										    resp_udata_max)));
		REQUIRE(a.status() == 0);
		return load_le<uint32_t>(a.body, 8);
	}

private:
	hyv::broker::VmRegistry::Registration registration_;
};

} // namespace

TEST_CASE("HELLO is answered with version 1.2 and the VM's devices", "[dispatch]")
{
	DispatchFixture f;
	CHECK(f.vm().state() == Vm::State::connected);
	auto a = answer(f.vm(), relay_frame(42, hello_request(1, 3), 1296));
	CHECK(a.id == 42);
	REQUIRE(a.body.size() == 16 + 2 * 80);
	CHECK(a.status() == 0);
	CHECK(load_le<uint16_t>(a.body, 8) == 1);
	CHECK(load_le<uint16_t>(a.body, 10) == VIRTIO_HYV_VERSION_MINOR);
	CHECK(load_le<uint32_t>(a.body, 12) == 2);
	CHECK(load_le<uint32_t>(a.body, 16) == f.rxe());
	CHECK(std::string(reinterpret_cast<const char *>(a.body.data() + 16 + 16)) == "rxe0");
	CHECK(load_le<uint32_t>(a.body, 96) == f.siw());
	CHECK(std::string(reinterpret_cast<const char *>(a.body.data() + 96 + 16)) == "siw0");
	CHECK(f.vm().state() == Vm::State::ready);
}

TEST_CASE("HELLO leaves out a host device without a personality", "[dispatch]")
{
	auto scan = default_scan();
	scan.insert(scan.begin(), scanned_device(3, "mlx5_0", 3, RDMA_DRIVER_MLX5));
	BrokerFixture f({}, scan);
	auto registration = f.add_vm("guest1");
	auto a = answer(registration.vm(), relay_frame(42, hello_request(1, 3), 1296));
	REQUIRE(a.status() == 0);
	REQUIRE(load_le<uint32_t>(a.body, 12) == 2);
	CHECK(std::string(reinterpret_cast<const char *>(a.body.data() + 16 + 16)) == "rxe0");
	CHECK(std::string(reinterpret_cast<const char *>(a.body.data() + 96 + 16)) == "siw0");
	// No dev_id names it: whatever the guest tries, ENODEV.
	for (uint32_t dev_id = 0; dev_id < 4; dev_id++)
		if (!registration.vm().device(dev_id))
			CHECK(status_of(registration.vm(), create_context_request(dev_id, {}, 8)) ==
			      ENODEV);
}

TEST_CASE("rejected requests are answered with their status only", "[dispatch]")
{
	DispatchFixture f;
	CHECK(status_of(f.vm(), request_header(0xffff)) == EOPNOTSUPP);
	CHECK(status_of(f.vm(), hello_request(99)) == EPROTONOSUPPORT);
	CHECK(status_of(f.vm(), hello_request(1, 0, 5)) == EINVAL);
	CHECK(status_of(f.vm(), request_header(1, 1)) == EINVAL);
	CHECK(status_of(f.vm(), Bytes(4)) == EINVAL);

	auto a = answer(f.vm(), relay_frame(6, request_header(0xffff)));
	CHECK(a.id == 6);
	CHECK(a.body.size() == 8);
	CHECK(load_le<uint32_t>(a.body, 4) == 0);
	CHECK(f.vm().state() == Vm::State::connected);
}

TEST_CASE("a response buffer too small for the answer is EMSGSIZE", "[dispatch]")
{
	DispatchFixture f;
	CHECK(status_of(f.vm(), hello_request(), 16 + 80) == EMSGSIZE);
	CHECK(status_of(f.vm(), port_request(VIRTIO_HYV_OP_QUERY_DEVICE, f.rxe(), 0),
			sizeof(virtio_hyv_query_device_resp) - 1) == EMSGSIZE);
	CHECK(status_of(f.vm(), port_request(VIRTIO_HYV_OP_QUERY_PORT, f.rxe(), 1), 55) ==
	      EMSGSIZE);
	CHECK(status_of(f.vm(), port_request(VIRTIO_HYV_OP_QUERY_PKEY_TABLE, f.rxe(), 1), 19) ==
	      EMSGSIZE);
	f.device("rxe0").set_gid_entries(700);	// 16 + 700 * 24 > 16384
	CHECK(status_of(f.vm(), port_request(VIRTIO_HYV_OP_QUERY_GID_TABLE, f.rxe(), 1),
			VIRTIO_HYV_MAX_RESP_SIZE) == EMSGSIZE);
}

TEST_CASE("a relay frame whose length disagrees is answered EINVAL", "[dispatch]")
{
	DispatchFixture f;
	Bytes frame = relay_frame(11, hello_request());
	frame.push_back(std::byte{0});
	auto a = answer(f.vm(), frame);
	CHECK(a.id == 11);
	CHECK(a.status() == EINVAL);
}

TEST_CASE("a chain without room for a status gets an empty answer", "[dispatch]")
{
	DispatchFixture f;
	auto a = answer(f.vm(), relay_frame(12, hello_request(), 4));
	CHECK(a.id == 12);
	CHECK(a.body.empty());
}

TEST_CASE("a frame without a complete header cannot be answered", "[dispatch]")
{
	DispatchFixture f;
	Bytes out(kRelayWriteBufferSize);
	CHECK_FALSE(dispatch_relay_frame(f.vm(), Bytes(15), out));
}

TEST_CASE("QUERY_DEVICE answers the host attributes and firmware version", "[dispatch]")
{
	DispatchFixture f;
	using Resp = virtio_hyv_query_device_resp;
	auto a = answer(f.vm(), relay_frame(2, port_request(VIRTIO_HYV_OP_QUERY_DEVICE, f.siw(), 0)));
	REQUIRE(a.status() == 0);
	REQUIRE(a.body.size() == sizeof(Resp));
	constexpr std::size_t kAttr = offsetof(Resp, attr);
	CHECK(load_le<uint32_t>(a.body, kAttr + offsetof(virtio_hyv_device_attr, max_qp)) ==
	      1000 + f.siw());
	CHECK(std::string(reinterpret_cast<const char *>(a.body.data() + offsetof(Resp, fw_ver))) ==
	      "1.2.3");
	CHECK(load_le<uint32_t>(a.body, offsetof(Resp, num_comp_vectors)) == 2);
}

TEST_CASE("port requests answer the port's attributes and tables", "[dispatch]")
{
	DispatchFixture f;
	auto port = answer(f.vm(), relay_frame(3, port_request(VIRTIO_HYV_OP_QUERY_PORT, f.rxe(), 1)));
	REQUIRE(port.status() == 0);
	REQUIRE(port.body.size() == sizeof(virtio_hyv_query_port_resp));
	CHECK(load_le<uint32_t>(port.body, 8) == 0x04010001);

	auto gids = answer(f.vm(),
			   relay_frame(4, port_request(VIRTIO_HYV_OP_QUERY_GID_TABLE, f.rxe(), 1)));
	REQUIRE(gids.status() == 0);
	REQUIRE(gids.body.size() == 16 + 2 * 24);
	CHECK(load_le<uint32_t>(gids.body, 8) == 2);
	CHECK(load_le<uint32_t>(gids.body, 16 + 24 + 16) == 3);	// second entry's index

	auto pkeys = answer(f.vm(),
			    relay_frame(5, port_request(VIRTIO_HYV_OP_QUERY_PKEY_TABLE, f.rxe(), 1)));
	REQUIRE(pkeys.status() == 0);
	REQUIRE(pkeys.body.size() == 16 + 4);
	CHECK(load_le<uint16_t>(pkeys.body, 16) == 0xffff);
	CHECK(load_le<uint16_t>(pkeys.body, 18) == 0x8001);
}

TEST_CASE("a dev_id the VM was not given is ENODEV", "[dispatch]")
{
	BrokerFixture f(hyv::broker::parse_config(R"([defaults]
devices = ["rxe0"])", "test").value());
	auto registration = f.add_vm("guest1");
	Vm &vm = registration.vm();
	const uint32_t siw = f.dev_id_of("siw0");

	CHECK(status_of(vm, port_request(VIRTIO_HYV_OP_QUERY_DEVICE, siw, 0)) == ENODEV);
	CHECK(status_of(vm, port_request(VIRTIO_HYV_OP_QUERY_PORT, siw, 1)) == ENODEV);
	CHECK(status_of(vm, port_request(VIRTIO_HYV_OP_QUERY_GID_TABLE, 999, 1)) == ENODEV);
	CHECK(status_of(vm, port_request(VIRTIO_HYV_OP_QUERY_PKEY_TABLE, siw, 1)) == ENODEV);
	CHECK(status_of(vm, create_context_request(siw, {}, 8)) == ENODEV);
	CHECK(f.device("siw0").open_contexts() == 0);
}

TEST_CASE("ports beyond the device's are EINVAL, port 0 too", "[dispatch]")
{
	DispatchFixture f;
	for (uint16_t opcode : {VIRTIO_HYV_OP_QUERY_PORT, VIRTIO_HYV_OP_QUERY_GID_TABLE,
				VIRTIO_HYV_OP_QUERY_PKEY_TABLE}) {
		CAPTURE(opcode);
		CHECK(status_of(f.vm(), port_request(opcode, f.rxe(), 0)) == EINVAL);
		CHECK(status_of(f.vm(), port_request(opcode, f.rxe(), 2)) == EINVAL);
		CHECK(status_of(f.vm(), port_request(opcode, f.rxe(), 0xffffffff)) == EINVAL);
	}
	// The request's layout is judged before the device it names.
	CHECK(status_of(f.vm(), port_request(VIRTIO_HYV_OP_QUERY_PORT, 999, 0)) == EINVAL);
	CHECK(status_of(f.vm(), port_request(VIRTIO_HYV_OP_QUERY_DEVICE, f.rxe(), 1)) == EINVAL);
}

TEST_CASE("the host's failure is the guest's status", "[dispatch]")
{
	DispatchFixture f;
	f.device("rxe0").fail_with = EIO;
	CHECK(status_of(f.vm(), port_request(VIRTIO_HYV_OP_QUERY_DEVICE, f.rxe(), 0)) == EIO);
	CHECK(status_of(f.vm(), port_request(VIRTIO_HYV_OP_QUERY_PORT, f.rxe(), 1)) == EIO);
	f.device("rxe0").fail_with = EPERM;
	CHECK(status_of(f.vm(), create_context_request(f.rxe(), {}, 0)) == EPERM);
	CHECK(f.vm().context_count() == 0);
}

TEST_CASE("CREATE_CONTEXT answers the driver's udata, checked by its personality",
	  "[dispatch]")
{
	DispatchFixture f;
	auto a = answer(f.vm(), relay_frame(7, create_context_request(f.siw(), {}, 16)));
	REQUIRE(a.status() == 0);
	// The whole room, zero past siw's 8 bytes.
	REQUIRE(a.body.size() == 24 + 16);
	CHECK(load_le<uint32_t>(a.body, 8) != 0);	// ctx_handle
	CHECK(load_le<uint32_t>(a.body, 12) == 2);	// num_comp_vectors
	CHECK(load_le<uint32_t>(a.body, 16) == 16);	// udata_len
	CHECK(a.body[24] == std::byte{0x5a});
	CHECK(a.body[24 + 7] == std::byte{0x5a});
	CHECK(a.body[24 + 8] == std::byte{0});
	CHECK(f.device("siw0").last_udata.empty());
	CHECK(f.vm().context_count() == 1);
	CHECK(f.device("siw0").open_contexts() == 1);

	// siw's GET_CONTEXT takes no driver data and answers 8 bytes: a
	// request with driver data, or with room for less, is refused.
	const Bytes udata{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
	CHECK(status_of(f.vm(), create_context_request(f.siw(), udata, 16)) == EINVAL);
	CHECK(status_of(f.vm(), create_context_request(f.siw(), {}, 4)) == EINVAL);
	CHECK(f.device("siw0").open_contexts() == 1);
	// rxe's answers nothing: zeros, in words.
	auto rxe = answer(f.vm(), relay_frame(8, create_context_request(f.rxe(), {}, 18)));
	REQUIRE(rxe.status() == 0);
	CHECK(load_le<uint32_t>(rxe.body, 16) == 16);
	CHECK(rxe.body[24] == std::byte{0});
	CHECK(load_le<uint32_t>(rxe.body, 8) != load_le<uint32_t>(a.body, 8));
}

TEST_CASE("CREATE_CONTEXT asking for more room than the chain has is EINVAL", "[dispatch]")
{
	DispatchFixture f;
	CHECK(status_of(f.vm(), create_context_request(f.siw(), {}, 4096 - 24 + 1), 4096) == EINVAL);
	CHECK(status_of(f.vm(), create_context_request(f.siw(), {}, 0xffffffff), 4096) == EINVAL);
	CHECK(status_of(f.vm(), create_context_request(f.siw(), {}, 0), 16) == EINVAL);
	CHECK(status_of(f.vm(), create_context_request(f.siw(), {}, 4096 - 24), 4096) == 0);
	CHECK(status_of(f.vm(), create_context_request(f.siw(), Bytes(8), 8, 4)) == EINVAL);
	CHECK(status_of(f.vm(), create_context_request(f.siw(), {}, 8, 0, 1)) == EINVAL);
	CHECK(f.vm().context_count() == 1);
}

TEST_CASE("contexts beyond max_contexts are EDQUOT", "[dispatch]")
{
	BrokerFixture f(hyv::broker::parse_config(R"([vm.guest1]
max_contexts = 2)", "test").value());
	auto registration = f.add_vm("guest1");
	Vm &vm = registration.vm();
	const uint32_t rxe = f.dev_id_of("rxe0");

	CHECK(status_of(vm, create_context_request(rxe, {}, 0)) == 0);
	CHECK(status_of(vm, create_context_request(rxe, {}, 0)) == 0);
	CHECK(status_of(vm, create_context_request(rxe, {}, 0)) == EDQUOT);
	// No host context was made for the refused one.
	CHECK(f.device("rxe0").open_contexts() == 2);
	// Another VM has its own quota.
	auto other = f.add_vm("guest2");
	CHECK(status_of(other.vm(), create_context_request(rxe, {}, 0)) == 0);
}

TEST_CASE("DESTROY_CONTEXT closes the host context; unknown handles are EINVAL", "[dispatch]")
{
	DispatchFixture f;
	const uint32_t first = f.create_context();
	const uint32_t second = f.create_context();
	CHECK(f.device("siw0").open_contexts() == 2);

	CHECK(status_of(f.vm(), destroy_context_request(first)) == 0);
	CHECK(f.device("siw0").open_contexts() == 1);
	CHECK(f.vm().context_count() == 1);
	CHECK(status_of(f.vm(), destroy_context_request(first)) == EINVAL);
	CHECK(status_of(f.vm(), destroy_context_request(0)) == EINVAL);
	CHECK(status_of(f.vm(), destroy_context_request(second + 1)) == EINVAL);
	CHECK(status_of(f.vm(), destroy_context_request(second, 1)) == EINVAL);
	CHECK(f.vm().context_count() == 1);

	// Handles are not reused.
	CHECK(f.create_context() != first);
}

TEST_CASE("one VM cannot name another VM's context", "[dispatch]")
{
	DispatchFixture f;
	const uint32_t handle = f.create_context();
	auto other = f.add_vm("guest2");
	CHECK(status_of(other.vm(), destroy_context_request(handle)) == EINVAL);
	CHECK(f.vm().context_count() == 1);
}

TEST_CASE("a VM that goes away takes its host contexts with it", "[dispatch]")
{
	BrokerFixture f;
	{
		auto registration = f.add_vm("guest1");
		CHECK(status_of(registration.vm(),
				create_context_request(f.dev_id_of("rxe0"), {}, 0)) == 0);
		CHECK(f.device("rxe0").open_contexts() == 1);
	}
	CHECK(f.device("rxe0").open_contexts() == 0);
}

TEST_CASE("a reset notice destroys every context of the VM and is not answered", "[dispatch]")
{
	DispatchFixture f;
	CHECK(answer(f.vm(), relay_frame(1, hello_request(1, 3), 1296)).status() == 0);
	f.create_context();
	f.create_context();
	CHECK(f.device("siw0").open_contexts() == 2);
	auto other = f.add_vm("guest2");
	CHECK(status_of(other.vm(), create_context_request(f.siw(), {}, 8)) == 0);

	Bytes notice(kRelayRequestHeaderSize);
	store_native<uint64_t>(notice, 0, VHOST_HYV_RELAY_RESET);
	Bytes out(kRelayWriteBufferSize);
	CHECK_FALSE(dispatch_relay_frame(f.vm(), notice, out));

	CHECK(f.vm().context_count() == 0);
	CHECK(f.vm().resets() == 1);
	CHECK(f.vm().state() == Vm::State::connected);
	CHECK(f.device("siw0").open_contexts() == 1);	// the other VM's
	CHECK(other.vm().context_count() == 1);
	// The guest's next driver starts again.
	CHECK(f.create_context() != 0);
}
