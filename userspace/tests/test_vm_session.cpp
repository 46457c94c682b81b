// SPDX-License-Identifier: GPL-2.0
// A whole VM session: QEMU's side of the broker socket and vhost_hyv's side
// of the relay are socket pairs driven by the test.  The relay pair is
// SOCK_SEQPACKET because, like the relay fd, it keeps message boundaries.
#include "broker_fixture.hpp"
#include "test_support.hpp"

#include <hyv/broker/accept_loop.hpp>
#include <hyv/broker/peer_access.hpp>
#include <hyv/broker/vm_session.hpp>
#include <hyv/proto/relay_frame.hpp>

#include <catch2/catch_test_macros.hpp>

#include <cerrno>
#include <unistd.h>

using namespace hyv::test;
using namespace hyv::broker;
using hyv::proto::load_le;
using hyv::proto::load_native;
namespace asio = boost::asio;

namespace {

struct Welcome {
	int32_t status;
	uint32_t vm_id;
};

class SessionFixture {
public:
	// The relay here is a socket pair, which passes `check_relay` unless a
	// test asks for hyvd's real check.
	explicit SessionFixture(std::chrono::milliseconds hello_timeout = std::chrono::seconds(5),
				std::function<std::error_code(int)> check_relay =
					[](int) { return std::error_code{}; })
		: inventory_(default_scan()), broker_({}, inventory_, fake_opener())
	{
		broker_.rescan();
		auto relay = socket_pair(SOCK_SEQPACKET);
		vhost_ = std::move(relay.a);
		relay_ = std::move(relay.b);
		auto pair = socket_pair(SOCK_STREAM);
		qemu_ = std::move(pair.a);
		set_timeouts(qemu_.get());
		set_timeouts(vhost_.get());
		const int hyvd_end = pair.b.release();
		const SessionContext context{.broker = broker_,
					     .hello_timeout = hello_timeout,
					     .self = ::geteuid(),
					     .check_relay = std::move(check_relay)};
		io_.run_on([&] {
			asio::local::stream_protocol::socket socket(
				io_.io(), asio::local::stream_protocol(), hyvd_end);
			spawn_detached(io_.io().get_executor(), serve_vm(std::move(socket), context),
				       "test session");
			return 0;
		});
	}

	void send_hello(const hyv::proto::BrokerHello &hello)
	{
		const Bytes message = broker_hello_message(hello);
		REQUIRE(send_with_fds(qemu_.get(), message, {relay_.get()}) ==
			static_cast<ssize_t>(message.size()));
		// As QEMU does, drop our copy: hyvd holds the only one now.
		relay_.reset();
	}

	Welcome read_welcome()
	{
		const Bytes reply = read_bytes(qemu_.get(), 16);
		REQUIRE(reply.size() == 16);
		CHECK(load_le<uint32_t>(reply, 0) == 2);
		CHECK(load_le<uint32_t>(reply, 4) == 8);
		return {static_cast<int32_t>(load_le<uint32_t>(reply, 8)), load_le<uint32_t>(reply, 12)};
	}

	// vhost_hyv's side: the next frame hyvd writes.
	Bytes next_frame()
	{
		Bytes frame(hyv::proto::kRelayWriteBufferSize);
		const ssize_t n = ::read(vhost_.get(), frame.data(), frame.size());
		REQUIRE(n >= 16);
		frame.resize(static_cast<std::size_t>(n));
		return frame;
	}

	// vhost_hyv's side: relay one request, return the response frame.
	Bytes round_trip(const Bytes &frame)
	{
		REQUIRE(::write(vhost_.get(), frame.data(), frame.size()) ==
			static_cast<ssize_t>(frame.size()));
		return next_frame();
	}

	struct VmView {
		uint32_t vm_id;
		std::string name;
		std::string device_id;
		pid_t pid;
		std::vector<std::string> devices;
		uint64_t requests;
		std::size_t contexts;
	};

	std::vector<VmView> vms()
	{
		return io_.run_on([&] {
			std::vector<VmView> out;
			for (const Vm *vm : broker_.vms().list())
				out.push_back({vm->id(), vm->labels().name, vm->labels().device_id,
					       vm->labels().pid, BrokerFixture::names(*vm),
					       vm->requests(), vm->context_count()});
			return out;
		});
	}
	bool no_vms() { return io_.eventually([&] { return broker_.vms().list().empty(); }); }
	std::size_t open_contexts(const std::string &device)
	{
		return io_.run_on([&] {
			for (const auto &[dev_id, host] : broker_.devices().devices())
				if (host->name() == device)
					return fake(host.get()).open_contexts();
			return std::size_t{0};
		});
	}
	uint32_t dev_id_of(const std::string &device)
	{
		return io_.run_on([&] {
			for (const auto &[dev_id, host] : broker_.devices().devices())
				if (host->name() == device)
					return dev_id;
			return ~0u;
		});
	}

	// EOF on the peer's end once hyvd has closed its side.
	static bool closed_by_hyvd(int fd)
	{
		char byte;
		return ::read(fd, &byte, 1) == 0;
	}

	hyv::UniqueFd qemu_;
	hyv::UniqueFd vhost_;
	hyv::UniqueFd relay_;

private:
	// The io thread is stopped (and the session's frames destroyed) before
	// the broker and inventory they refer to.
	FixedInventory inventory_;
	Broker broker_;
	IoThread io_;
};

} // namespace

TEST_CASE("a VM connects, is served, and is dropped when QEMU closes", "[session]")
{
	SessionFixture f;
	f.send_hello(sample_hello());
	const Welcome welcome = f.read_welcome();
	CHECK(welcome.status == 0);
	CHECK(welcome.vm_id == 1);

	// Then BROKER_UP on the eventq, written as a relay event.
	const Bytes up = f.next_frame();
	REQUIRE(up.size() == 16 + 128);
	CHECK(load_native<uint64_t>(up, 0) == VHOST_HYV_RELAY_EVENT);
	CHECK(load_native<uint32_t>(up, 8) == 128);
	CHECK(load_native<uint32_t>(up, 12) == 0);
	CHECK(load_le<uint32_t>(up, 16) == VIRTIO_HYV_EVT_BROKER_UP);

	auto vms = f.vms();
	REQUIRE(vms.size() == 1);
	CHECK(vms[0].vm_id == 1);
	CHECK(vms[0].name == "guest1");
	CHECK(vms[0].device_id == "hyv0");
	CHECK(vms[0].pid == ::getpid());
	CHECK(vms[0].devices == std::vector<std::string>{"rxe0", "siw0"});

	const Bytes hello = f.round_trip(relay_frame(77, hello_request(), 1296));
	CHECK(load_native<uint64_t>(hello, 0) == 77);
	REQUIRE(load_native<uint32_t>(hello, 8) == 16 + 2 * 80);
	CHECK(load_le<uint32_t>(hello, 16) == 0);	// status
	CHECK(load_le<uint16_t>(hello, 24) == 1);	// major
	CHECK(load_le<uint16_t>(hello, 26) == VIRTIO_HYV_VERSION_MINOR);	// minor
	CHECK(load_le<uint32_t>(hello, 28) == 2);	// num_devices
	CHECK(load_le<uint32_t>(hello, 32 + 4) == 14);	// rxe0's driver_id

	const Bytes unknown = f.round_trip(relay_frame(78, request_header(0xffff), 64));
	CHECK(load_native<uint64_t>(unknown, 0) == 78);
	CHECK(load_native<uint32_t>(unknown, 8) == 8);
	CHECK(load_le<uint32_t>(unknown, 16) == EOPNOTSUPP);

	const Bytes created = f.round_trip(
		relay_frame(79, create_context_request(f.dev_id_of("siw0"), {}, 8), 64));
	CHECK(load_le<uint32_t>(created, 16) == 0);
	CHECK(f.open_contexts("siw0") == 1);

	CHECK(f.vms().at(0).requests == 3);
	CHECK(f.vms().at(0).contexts == 1);

	f.qemu_.reset();
	CHECK(f.no_vms());
	// The VM's host contexts went with it.
	CHECK(f.open_contexts("siw0") == 0);
	// hyvd closed the relay fd: vhost_hyv would now complete leftovers.
	CHECK(SessionFixture::closed_by_hyvd(f.vhost_.get()));
}

TEST_CASE("a VM is dropped when the relay reports EOF", "[session]")
{
	SessionFixture f;
	f.send_hello(sample_hello());
	REQUIRE(f.read_welcome().status == 0);
	REQUIRE(f.vms().size() == 1);
	f.next_frame();	// BROKER_UP

	f.vhost_.reset();
	CHECK(f.no_vms());
	CHECK(SessionFixture::closed_by_hyvd(f.qemu_.get()));
}

TEST_CASE("a message after HELLO drops the VM", "[session]")
{
	SessionFixture f;
	f.send_hello(sample_hello());
	REQUIRE(f.read_welcome().status == 0);

	const auto header = hyv::proto::encode_broker_header({.type = 99, .len = 0});
	REQUIRE(::write(f.qemu_.get(), header.data(), header.size()) == 8);
	CHECK(f.no_vms());
	CHECK(SessionFixture::closed_by_hyvd(f.qemu_.get()));
}

TEST_CASE("an unsupported broker version is answered and closed", "[session]")
{
	SessionFixture f;
	auto hello = sample_hello();
	hello.version = 2;
	f.send_hello(hello);
	const Welcome welcome = f.read_welcome();
	CHECK(welcome.status == -EPROTONOSUPPORT);
	CHECK(welcome.vm_id == 0);
	CHECK(SessionFixture::closed_by_hyvd(f.qemu_.get()));
	CHECK(f.vms().empty());
}

TEST_CASE("a peer that never sends HELLO is disconnected", "[session]")
{
	SessionFixture f(std::chrono::milliseconds(100));
	CHECK(SessionFixture::closed_by_hyvd(f.qemu_.get()));
	CHECK(f.vms().empty());
}

TEST_CASE("an fd that is not a vhost-hyv relay is refused with EINVAL", "[session]")
{
	SessionFixture f(std::chrono::seconds(5), check_vhost_hyv_relay);
	f.send_hello(sample_hello());
	const Welcome welcome = f.read_welcome();
	CHECK(welcome.status == -EINVAL);
	CHECK(welcome.vm_id == 0);
	CHECK(SessionFixture::closed_by_hyvd(f.qemu_.get()));
	CHECK(f.vms().empty());
}
