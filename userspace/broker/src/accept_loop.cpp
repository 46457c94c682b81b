// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/accept_loop.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>

namespace hyv::broker {
namespace {

// After a failed accept (typically EMFILE), wait instead of spinning on the
// connection that is still pending.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

} // namespace

void spawn_detached(const asio::any_io_executor &executor, awaitable<void> task, std::string what)
{
	asio::co_spawn(executor, std::move(task), [what = std::move(what)](std::exception_ptr e) {
		if (!e)
			return;
		try {
			std::rethrow_exception(e);
		} catch (const std::exception &ex) {
			spdlog::error("{}: {}", what, ex.what());
		}
	});
}

awaitable<void> accept_loop(asio::local::stream_protocol::acceptor &acceptor, std::string what,
			    ConnectionHandler serve)
{
	for (;;) {
		auto [ec, socket] = co_await acceptor.async_accept(use_result);
		if (ec == asio::error::operation_aborted || !acceptor.is_open())
			co_return;
		if (ec) {
			spdlog::error("{}: accept failed: {}", what, ec.message());
			asio::steady_timer delay(acceptor.get_executor(), kAcceptRetryDelay);
			co_await delay.async_wait(use_result);
			continue;
		}
		spawn_detached(acceptor.get_executor(), serve(std::move(socket)), what);
	}
}

} // namespace hyv::broker
