// SPDX-License-Identifier: GPL-2.0
#include "test_support.hpp"

#include <hyv/broker/broker_hello.hpp>
#include <hyv/proto/broker_error.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <catch2/catch_test_macros.hpp>

#include <fcntl.h>

#include <optional>

using namespace hyv::test;
using hyv::proto::BrokerError;
namespace asio = boost::asio;

namespace {

// Runs receive_hello on hyvd's end of a stream socket pair.
hyv::Result<hyv::broker::ReceivedHello> receive_on(hyv::UniqueFd fd)
{
	asio::io_context io;
	asio::local::stream_protocol::socket socket(io, asio::local::stream_protocol(),
						    fd.release());
	std::optional<hyv::Result<hyv::broker::ReceivedHello>> result;

	asio::co_spawn(
		io,
		[&]() -> asio::awaitable<void> {
			result = co_await hyv::broker::receive_hello(socket);
		},
		asio::detached);
	io.run_for(std::chrono::seconds(5));
	REQUIRE(result);
	return std::move(*result);
}

} // namespace

TEST_CASE("HELLO arrives with the relay fd over a real socket", "[broker-hello]")
{
	auto broker = socket_pair(SOCK_STREAM);
	auto relay = socket_pair(SOCK_SEQPACKET);

	const Bytes message = broker_hello_message(sample_hello());
	REQUIRE(send_with_fds(broker.a.get(), message, {relay.a.get()}) ==
		static_cast<ssize_t>(message.size()));

	auto received = receive_on(std::move(broker.b));
	REQUIRE(received);
	CHECK(received->hello.name == "guest1");
	CHECK(received->hello.device_id == "hyv0");
	CHECK(received->hello.qemu_pid == 4242);
	REQUIRE(received->relay_fd);
	CHECK(same_file(received->relay_fd.get(), relay.a.get()));
	CHECK(::fcntl(received->relay_fd.get(), F_GETFD) & FD_CLOEXEC);
}

TEST_CASE("HELLO may arrive in pieces", "[broker-hello]")
{
	auto broker = socket_pair(SOCK_STREAM);
	auto relay = socket_pair(SOCK_SEQPACKET);

	const Bytes message = broker_hello_message(sample_hello());
	const auto data = std::span(message);
	REQUIRE(send_with_fds(broker.a.get(), data.first(3), {relay.a.get()}) == 3);
	REQUIRE(send_with_fds(broker.a.get(), data.subspan(3, 50), {}) == 50);
	REQUIRE(send_with_fds(broker.a.get(), data.subspan(53), {}) ==
		static_cast<ssize_t>(message.size() - 53));

	auto received = receive_on(std::move(broker.b));
	REQUIRE(received);
	CHECK(same_file(received->relay_fd.get(), relay.a.get()));
}

TEST_CASE("HELLO without exactly one fd is refused", "[broker-hello]")
{
	auto relay = socket_pair(SOCK_SEQPACKET);
	const Bytes message = broker_hello_message(sample_hello());

	SECTION("no fd")
	{
		auto broker = socket_pair(SOCK_STREAM);
		REQUIRE(send_with_fds(broker.a.get(), message, {}) > 0);
		CHECK(receive_on(std::move(broker.b)).error() == BrokerError::no_relay_fd);
	}
	SECTION("two fds")
	{
		auto broker = socket_pair(SOCK_STREAM);
		REQUIRE(send_with_fds(broker.a.get(), message, {relay.a.get(), relay.b.get()}) > 0);
		CHECK(receive_on(std::move(broker.b)).error() == BrokerError::extra_fds);
	}
	SECTION("more fds than fit")
	{
		auto broker = socket_pair(SOCK_STREAM);
		std::vector<int> many(8, relay.a.get());
		REQUIRE(send_with_fds(broker.a.get(), message, many) > 0);
		CHECK(receive_on(std::move(broker.b)).error() ==
		      BrokerError::control_data_truncated);
	}
}

TEST_CASE("a connection that does not open with HELLO is refused", "[broker-hello]")
{
	auto relay = socket_pair(SOCK_SEQPACKET);
	auto broker = socket_pair(SOCK_STREAM);

	SECTION("unknown type")
	{
		REQUIRE(send_with_fds(broker.a.get(), broker_hello_message(sample_hello(), 9),
				      {relay.a.get()}) > 0);
		CHECK(receive_on(std::move(broker.b)).error() == BrokerError::unknown_message_type);
	}
	SECTION("oversize HELLO")
	{
		REQUIRE(send_with_fds(broker.a.get(),
				      broker_hello_message(sample_hello(), 1, 1 << 20),
				      {relay.a.get()}) > 0);
		CHECK(receive_on(std::move(broker.b)).error() == BrokerError::bad_hello_size);
	}
	SECTION("closed early")
	{
		const Bytes message = broker_hello_message(sample_hello());
		REQUIRE(send_with_fds(broker.a.get(), std::span(message).first(20),
				      {relay.a.get()}) == 20);
		broker.a.reset();
		CHECK(receive_on(std::move(broker.b)).error() == BrokerError::closed_before_hello);
	}
}
