// SPDX-License-Identifier: GPL-2.0
#include <hyv/broker/verbs_host_device.hpp>

#include <infiniband/verbs.h>
#include <linux/virtio_hyv.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <endian.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

namespace hyv::broker {
namespace {

// libibverbs calls return a positive errno, or -1 (or a negative errno)
// with errno set, depending on the call and the provider.
std::error_code verbs_error(long ret)
{
	if (ret > 0)
		return errno_code(static_cast<int>(ret));
	if (ret < -1)
		return errno_code(static_cast<int>(-ret));
	return errno ? last_errno() : errno_code(EIO);
}

// One write() of a uverbs command; the kernel answers through the
// response pointer inside it, so success is the whole buffer accepted.
std::error_code write_command(int fd, std::span<const std::byte> command)
{
	ssize_t n;
	do
		n = ::write(fd, command.data(), command.size());
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return last_errno();
	if (static_cast<std::size_t>(n) != command.size())
		return errno_code(EIO);
	return {};
}

struct DeviceListDeleter {
	void operator()(ibv_device **list) const { ibv_free_device_list(list); }
};

struct ContextDeleter {
	void operator()(ibv_context *context) const { ibv_close_device(context); }
};

using ContextPtr = std::unique_ptr<ibv_context, ContextDeleter>;

class VerbsHostDevice final : public HostDevice {
public:
	VerbsHostDevice(uint32_t dev_id, const ScannedDevice &scanned, ContextPtr context,
			uint8_t ports)
		: HostDevice(dev_id, scanned), context_(std::move(context)), ports_(ports) {}

	uint8_t port_count() const override { return ports_; }
	uint32_t num_comp_vectors() const override
	{
		return static_cast<uint32_t>(context_->num_comp_vectors);
	}

	Result<ib_uverbs_ex_query_device_resp> query_device() override
	{
		// The EX command, because its answer is exactly what the wire
		// carries; written to the context libibverbs opened.
		struct {
			ib_uverbs_cmd_hdr hdr;
			ib_uverbs_ex_cmd_hdr ex;
			ib_uverbs_ex_query_device cmd;
		} command{};
		static_assert(sizeof(command) == sizeof(ib_uverbs_cmd_hdr) +
			      sizeof(ib_uverbs_ex_cmd_hdr) + sizeof(ib_uverbs_ex_query_device));
		ib_uverbs_ex_query_device_resp resp{};

		command.hdr.command = IB_USER_VERBS_CMD_FLAG_EXTENDED | IB_USER_VERBS_EX_CMD_QUERY_DEVICE;
		command.hdr.in_words = sizeof(command.cmd) / 8;
		command.hdr.out_words = sizeof(resp) / 8;
		command.ex.response = reinterpret_cast<uintptr_t>(&resp);
		if (auto ec = write_command(context_->cmd_fd, std::as_bytes(std::span(&command, 1))))
			return ec;
		resp.base.phys_port_cnt = std::min(resp.base.phys_port_cnt, ports_);
		return resp;
	}

	std::string fw_ver() override
	{
		std::ifstream file("/sys/class/infiniband/" + name() + "/fw_ver");
		std::string line;
		std::getline(file, line);
		return line;
	}

	Result<proto::PortAttr> query_port(uint8_t port) override
	{
		ibv_port_attr attr{};
		if (int ret = ibv_query_port(context_.get(), port, &attr))
			return verbs_error(ret);

		proto::PortAttr resp{};
		ib_uverbs_query_port_resp &l = resp.legacy_resp;
		l.port_cap_flags = attr.port_cap_flags;
		l.max_msg_sz = attr.max_msg_sz;
		l.bad_pkey_cntr = attr.bad_pkey_cntr;
		l.qkey_viol_cntr = attr.qkey_viol_cntr;
		l.gid_tbl_len = static_cast<uint32_t>(attr.gid_tbl_len);
		l.pkey_tbl_len = attr.pkey_tbl_len;
		l.lid = attr.lid;
		l.sm_lid = attr.sm_lid;
		l.state = static_cast<uint8_t>(attr.state);
		l.max_mtu = static_cast<uint8_t>(attr.max_mtu);
		l.active_mtu = static_cast<uint8_t>(attr.active_mtu);
		l.lmc = attr.lmc;
		l.max_vl_num = attr.max_vl_num;
		l.sm_sl = attr.sm_sl;
		l.subnet_timeout = attr.subnet_timeout;
		l.init_type_reply = attr.init_type_reply;
		l.active_width = attr.active_width;
		l.active_speed = attr.active_speed;
		l.phys_state = attr.phys_state;
		l.link_layer = attr.link_layer;
		l.flags = attr.flags;
		resp.port_cap_flags2 = attr.port_cap_flags2;
		// libibverbs 44 has no active_speed_ex; the kernel's is the
		// same number, which fits 8 bits for every speed below XDR.
		resp.active_speed_ex = attr.active_speed;
		return resp;
	}

	Result<std::vector<proto::GidEntry>> query_gid_table(uint8_t port) override
	{
		// ibv_query_gid_table answers for every port at once; room
		// for every slot of every port.
		std::size_t slots = 0;
		for (uint8_t p = 1; p <= ports_; p++) {
			auto attr = query_port(p);
			if (!attr)
				return attr.error();
			slots += attr->legacy_resp.gid_tbl_len;
		}
		std::vector<ibv_gid_entry> entries(std::max<std::size_t>(slots, 1));
		const ssize_t n = ibv_query_gid_table(context_.get(), entries.data(), entries.size(), 0);
		if (n < 0)
			return verbs_error(n);
		entries.resize(static_cast<std::size_t>(n));

		std::vector<proto::GidEntry> table;
		for (const ibv_gid_entry &entry : entries) {
			if (entry.port_num != port)
				continue;
			proto::GidEntry out{.index = entry.gid_index, .type = entry.gid_type};
			std::memcpy(out.gid.data(), entry.gid.raw, out.gid.size());
			table.push_back(out);
		}
		std::ranges::sort(table, {}, &proto::GidEntry::index);
		return table;
	}

	Result<std::vector<uint16_t>> query_pkey_table(uint8_t port) override
	{
		auto attr = query_port(port);
		if (!attr)
			return attr.error();

		std::vector<uint16_t> pkeys;
		for (uint16_t i = 0; i < attr->legacy_resp.pkey_tbl_len; i++) {
			__be16 pkey;
			if (int ret = ibv_query_pkey(context_.get(), port, i, &pkey))
				return verbs_error(ret);
			pkeys.push_back(be16toh(pkey));
		}
		return pkeys;
	}

	Result<CreatedContext> create_context(std::span<const std::byte> udata,
					      uint32_t resp_udata_max) override;

private:
	ContextPtr context_;
	uint8_t ports_;
};

Result<UniqueFd> open_uverbs(const ScannedDevice &scanned)
{
	const std::string path = "/dev/infiniband/" + scanned.uverbs_name;
	UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
	if (!fd)
		return last_errno();
	// The node must be the chardev netlink named, not a stale one.
	struct stat st;
	if (::fstat(fd.get(), &st) < 0)
		return last_errno();
	if (!S_ISCHR(st.st_mode) || st.st_rdev != static_cast<dev_t>(scanned.uverbs_dev))
		return errno_code(ENODEV);
	return fd;
}

// The context's one completion channel: every CQ hyvd creates in it reports
// there, so one read loop per context serves all of them.
Result<UniqueFd> create_comp_channel(int cmd_fd)
{
	struct {
		ib_uverbs_cmd_hdr hdr;
		ib_uverbs_create_comp_channel cmd;
	} command{};
	ib_uverbs_create_comp_channel_resp resp{};

	command.hdr.command = IB_USER_VERBS_CMD_CREATE_COMP_CHANNEL;
	command.hdr.in_words = sizeof(command) / 4;
	command.hdr.out_words = sizeof(resp) / 4;
	command.cmd.response = reinterpret_cast<uintptr_t>(&resp);
	if (auto ec = write_command(cmd_fd, std::as_bytes(std::span(&command, 1))))
		return ec;
	UniqueFd comp(static_cast<int>(resp.fd));
	if (!comp)
		return errno_code(EIO);
	return comp;
}

// GET_CONTEXT as a legacy write: sizes in 4-byte words, the driver's udata
// after the core request, its answer after the core response.
Result<CreatedContext> VerbsHostDevice::create_context(std::span<const std::byte> udata,
						       uint32_t resp_udata_max)
{
	using Cmd = ib_uverbs_get_context;
	using Resp = ib_uverbs_get_context_resp;
	constexpr std::size_t kWord = 4;

	// The write ABI counts in words: other lengths cannot be expressed.
	if (udata.size() % kWord)
		return errno_code(EINVAL);
	const std::size_t room = resp_udata_max - resp_udata_max % kWord;

	auto fd = open_uverbs(scanned());
	if (!fd)
		return fd.error();

	// uint64_t storage: the kernel's structures are 8-byte aligned.
	const std::size_t in_size = sizeof(ib_uverbs_cmd_hdr) + sizeof(Cmd) + udata.size();
	const std::size_t out_size = sizeof(Resp) + room;
	std::vector<uint64_t> in((in_size + 7) / 8);
	std::vector<uint64_t> out((out_size + 7) / 8);
	const auto in_bytes = std::as_writable_bytes(std::span(in)).first(in_size);
	const auto out_bytes = std::as_writable_bytes(std::span(out)).first(out_size);

	ib_uverbs_cmd_hdr hdr{
		.command = IB_USER_VERBS_CMD_GET_CONTEXT,
		.in_words = static_cast<uint16_t>(in_size / kWord),
		.out_words = static_cast<uint16_t>(out_size / kWord),
	};
	Cmd cmd{};
	cmd.response = reinterpret_cast<uintptr_t>(out_bytes.data());
	std::memcpy(in_bytes.data(), &hdr, sizeof(hdr));
	std::memcpy(in_bytes.data() + sizeof(hdr), &cmd, sizeof(cmd));
	std::ranges::copy(udata, in_bytes.begin() + sizeof(hdr) + sizeof(cmd));

	if (auto ec = write_command(fd->get(), in_bytes))
		return ec;

	Resp resp;
	std::memcpy(&resp, out_bytes.data(), sizeof(resp));
	UniqueFd async(static_cast<int>(resp.async_fd));
	if (!async)
		return errno_code(EIO);
	auto comp = create_comp_channel(fd->get());
	if (!comp)
		return comp.error();
	const auto answer = out_bytes.subspan(sizeof(Resp));
	return CreatedContext{
		.context = HostContext(uverbs_file(std::move(*fd), std::move(async), std::move(*comp)),
				       resp.num_comp_vectors),
		.udata = std::vector<std::byte>(answer.begin(), answer.end()),
	};
}

} // namespace

Result<std::unique_ptr<HostDevice>> open_verbs_device(uint32_t dev_id,
						      const ScannedDevice &scanned)
{
	int count = 0;
	std::unique_ptr<ibv_device *, DeviceListDeleter> list(ibv_get_device_list(&count));
	if (!list)
		return last_errno();

	ibv_device *device = nullptr;
	for (int i = 0; i < count; i++) {
		if (scanned.name == ibv_get_device_name(list.get()[i]) &&
		    be64toh(ibv_get_device_guid(list.get()[i])) == scanned.node_guid)
			device = list.get()[i];
	}
	if (!device)
		return errno_code(ENODEV);

	errno = 0;
	ContextPtr context(ibv_open_device(device));
	if (!context)
		return errno ? last_errno() : errno_code(EIO);

	ibv_device_attr attr{};
	if (int ret = ibv_query_device(context.get(), &attr))
		return verbs_error(ret);
	const auto ports = static_cast<uint8_t>(std::min<int>(attr.phys_port_cnt, VIRTIO_HYV_MAX_PORTS));
	return std::unique_ptr<HostDevice>(
		std::make_unique<VerbsHostDevice>(dev_id, scanned, std::move(context), ports));
}

} // namespace hyv::broker
