// SPDX-License-Identifier: GPL-2.0
#include "test_support.hpp"

#include <hyv/broker/unix_listener.hpp>

#include <catch2/catch_test_macros.hpp>

#include <fstream>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using hyv::broker::UnixListener;
using hyv::test::TempDir;
namespace fs = std::filesystem;

namespace {

// Leaves a socket file with no listener, as a killed daemon does.
void make_stale_socket(const fs::path &path)
{
	hyv::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
	sockaddr_un addr{};
	addr.sun_family = AF_UNIX;
	std::strcpy(addr.sun_path, path.c_str());
	REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0);
}

} // namespace

TEST_CASE("the listener creates parent directories and removes its socket", "[listener]")
{
	TempDir dir;
	boost::asio::io_context io;
	const fs::path path = dir.path() / "a" / "b" / "hyvd.sock";
	{
		auto listener = UnixListener::open(io.get_executor(), path, {});
		REQUIRE(listener);
		CHECK(fs::is_socket(path));
	}
	CHECK_FALSE(fs::exists(path));
}

TEST_CASE("a stale socket is replaced, a live one is not", "[listener]")
{
	TempDir dir;
	boost::asio::io_context io;
	const fs::path path = dir.path() / "hyvd.sock";

	make_stale_socket(path);
	auto first = UnixListener::open(io.get_executor(), path, {});
	REQUIRE(first);

	auto second = UnixListener::open(io.get_executor(), path, {});
	CHECK(second.error() == std::errc::address_in_use);
	CHECK(fs::is_socket(path));
}

TEST_CASE("a file that is not a socket is never removed", "[listener]")
{
	TempDir dir;
	boost::asio::io_context io;
	const fs::path path = dir.path() / "precious";
	std::ofstream(path) << "data";

	CHECK(UnixListener::open(io.get_executor(), path, {}).error() == std::errc::file_exists);
	CHECK(fs::is_regular_file(path));
}

TEST_CASE("a replaced socket file is left to its new owner", "[listener]")
{
	TempDir dir;
	boost::asio::io_context io;
	const fs::path path = dir.path() / "hyvd.sock";
	{
		auto listener = UnixListener::open(io.get_executor(), path, {});
		REQUIRE(listener);
		fs::remove(path);
		make_stale_socket(path);
	}
	CHECK(fs::is_socket(path));
}

TEST_CASE("the socket file gets the mode and group asked for, whatever the umask", "[listener]")
{
	TempDir dir;
	boost::asio::io_context io;
	const fs::path path = dir.path() / "hyvd.sock";
	const mode_t saved = ::umask(0);
	const hyv::broker::SocketAccess access{.mode = 0660, .group = ::getegid()};
	auto listener = UnixListener::open(io.get_executor(), path, access);
	::umask(saved);
	REQUIRE(listener);
	struct stat st;
	REQUIRE(::stat(path.c_str(), &st) == 0);
	CHECK((st.st_mode & 07777) == 0660);
	CHECK(st.st_gid == ::getegid());

	auto closed = UnixListener::open(io.get_executor(), dir.path() / "default.sock", {});
	REQUIRE(closed);
	REQUIRE(::stat((dir.path() / "default.sock").c_str(), &st) == 0);
	CHECK((st.st_mode & 07777) == 0600);
}
