// SPDX-License-Identifier: GPL-2.0
// hyvctl's client against hyvd's control server over a real socket path.
#include "broker_fixture.hpp"
#include "test_support.hpp"

#include <hyv/broker/accept_loop.hpp>
#include <hyv/broker/control_server.hpp>
#include <hyv/broker/unix_listener.hpp>
#include <hyv/ctl/control_client.hpp>

#include <catch2/catch_test_macros.hpp>

#include <sys/un.h>
#include <unistd.h>

using namespace hyv::test;
using namespace hyv::broker;
using hyv::ctl::control_request;

namespace {

constexpr auto kTimeout = std::chrono::seconds(5);

class ControlFixture {
public:
	ControlFixture()
		: path_(dir_.path() / "run" / "control.sock"),
		  broker_(parse_config("[defaults]\ndevices = [\"rxe0\"]\n", "test").value())
	{
		io_.run_on([&] {
			auto listener = UnixListener::open(io_.io().get_executor(), path_, {});
			REQUIRE(listener);
			listener_ = std::move(*listener);
			spawn_detached(io_.io().get_executor(),
				       accept_loop(listener_->acceptor(), "control",
						   [this](auto socket) {
							   return serve_control_client(
								   std::move(socket), broker_.broker(),
								   ::geteuid());
						   }),
				       "control");
			registration_.emplace(broker_.add_vm("guest1"));
			return 0;
		});
	}

	~ControlFixture()
	{
		io_.run_on([&] {
			registration_.reset();
			listener_.reset();
			return 0;
		});
	}

	const std::filesystem::path &path() const { return path_; }

private:
	TempDir dir_;
	std::filesystem::path path_;
	BrokerFixture broker_;
	std::unique_ptr<UnixListener> listener_;
	std::optional<VmRegistry::Registration> registration_;
	IoThread io_;
};

} // namespace

TEST_CASE("hyvctl's client lists VMs through the control socket", "[control-socket]")
{
	ControlFixture f;
	auto reply = control_request(f.path(), {{"cmd", "list"}}, kTimeout);
	REQUIRE(reply);
	CHECK((*reply)["ok"] == true);
	REQUIRE((*reply)["vms"].size() == 1);
	CHECK((*reply)["vms"][0]["name"] == "guest1");
	CHECK((*reply)["vms"][0]["devices"] == nlohmann::json::array({"rxe0"}));

	auto error = control_request(f.path(), {{"cmd", "nope"}}, kTimeout);
	REQUIRE(error);
	CHECK((*error)["ok"] == false);
}

TEST_CASE("several requests share one control connection", "[control-socket]")
{
	ControlFixture f;
	hyv::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	sockaddr_un addr{};
	addr.sun_family = AF_UNIX;
	std::strcpy(addr.sun_path, f.path().c_str());
	REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0);
	set_timeouts(fd.get());

	const std::string two = "{\"cmd\":\"list\"}\n{\"cmd\":\"list\"}\n";
	REQUIRE(::write(fd.get(), two.data(), two.size()) == static_cast<ssize_t>(two.size()));
	std::string replies;
	char buf[4096];
	while (std::count(replies.begin(), replies.end(), '\n') < 2) {
		const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
		REQUIRE(n > 0);
		replies.append(buf, static_cast<std::size_t>(n));
	}
	CHECK(replies.find("guest1") != replies.rfind("guest1"));
}

TEST_CASE("an overlong control request is refused and closed", "[control-socket]")
{
	ControlFixture f;
	auto reply = control_request(f.path(), {{"cmd", std::string(kMaxControlLine, 'x')}},
				     kTimeout);
	REQUIRE(reply);
	CHECK((*reply)["ok"] == false);
	CHECK((*reply)["error"] == "request line too long");
}

TEST_CASE("the client says when hyvd is not there", "[control-socket]")
{
	TempDir dir;
	CHECK(control_request(dir.path() / "absent.sock", {{"cmd", "list"}}, kTimeout).error() ==
	      std::errc::no_such_file_or_directory);

	// A socket file nobody listens on, as a crashed hyvd leaves behind.
	const auto stale = dir.path() / "stale.sock";
	{
		hyv::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
		sockaddr_un addr{};
		addr.sun_family = AF_UNIX;
		std::strcpy(addr.sun_path, stale.c_str());
		REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0);
	}
	CHECK(control_request(stale, {{"cmd", "list"}}, kTimeout).error() ==
	      std::errc::connection_refused);
}
