// SPDX-License-Identifier: GPL-2.0
#include <hyv/proto/control_response.hpp>

#include <hyv/proto/byte_order.hpp>

#include <linux/virtio_hyv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstddef>

namespace hyv::proto {
namespace {

constexpr std::size_t kHelloRespSize = sizeof(virtio_hyv_hello_resp);
constexpr std::size_t kDevInfoSize = sizeof(virtio_hyv_dev_info);
constexpr std::size_t kGidEntrySize = sizeof(virtio_hyv_gid_entry);

static_assert(sizeof(virtio_hyv_resp_hdr) == 8);
static_assert(kHelloRespSize == 16);
static_assert(kDevInfoSize == 80);
static_assert(kGidEntrySize == 24);
static_assert(sizeof(virtio_hyv_event) == VIRTIO_HYV_EVENT_SIZE);
static_assert(std::tuple_size_v<Event> == VIRTIO_HYV_EVENT_SIZE);
// The wire mirrors of the uverbs answers have their layouts.
static_assert(sizeof(virtio_hyv_device_attr) == sizeof(ib_uverbs_ex_query_device_resp));
static_assert(sizeof(virtio_hyv_port_attr) == sizeof(ib_uverbs_query_port_resp_ex));

std::error_code message_size()
{
	return std::make_error_code(std::errc::message_size);
}

// The NUL-terminated copy of `text` in `field`, cut to leave the NUL.
void store_string(std::span<std::byte> field, std::string_view text)
{
	std::ranges::fill(field, std::byte{0});
	const std::size_t len = std::min(text.size(), field.size() - 1);
	std::ranges::transform(text.substr(0, len), field.begin(),
			       [](char c) { return static_cast<std::byte>(c); });
}

void encode_dev_info(std::span<std::byte> out, const DeviceInfo &device)
{
	using Info = virtio_hyv_dev_info;

	store_le<uint32_t>(out, offsetof(Info, dev_id), device.dev_id);
	store_le<uint32_t>(out, offsetof(Info, driver_id), device.driver_id);
	store_be<uint64_t>(out, offsetof(Info, node_guid), device.node_guid);
	store_string(out.subspan(offsetof(Info, name), VIRTIO_HYV_DEV_NAME_LEN), device.name);
}

// A successful answer's header; `out` holds at least `size` bytes, all of
// which are cleared so that reserved fields go out as 0.
void begin_response(std::span<std::byte> out, std::size_t size)
{
	std::ranges::fill(out.first(size), std::byte{0});
	store_le<uint32_t>(out, offsetof(virtio_hyv_resp_hdr, status), VIRTIO_HYV_S_OK);
}

// A byte-order-neutral copy (GUIDs are big-endian in both structures).
template <std::size_t N>
void store_bytes(std::span<std::byte> out, std::size_t offset, const void *from)
{
	std::memcpy(out.subspan(offset, N).data(), from, N);
}

void encode_device_attr(std::span<std::byte> out, const ib_uverbs_ex_query_device_resp &a)
{
	using W = virtio_hyv_device_attr;
	const ib_uverbs_query_device_resp &b = a.base;

#define HYV_LE(field, value) \
	store_le<decltype(W::field)>(out, offsetof(W, field), static_cast<decltype(W::field)>(value))
	HYV_LE(fw_ver, b.fw_ver);
	store_bytes<8>(out, offsetof(W, node_guid), &b.node_guid);
	store_bytes<8>(out, offsetof(W, sys_image_guid), &b.sys_image_guid);
	HYV_LE(max_mr_size, b.max_mr_size);
	HYV_LE(page_size_cap, b.page_size_cap);
	HYV_LE(vendor_id, b.vendor_id);
	HYV_LE(vendor_part_id, b.vendor_part_id);
	HYV_LE(hw_ver, b.hw_ver);
	HYV_LE(max_qp, b.max_qp);
	HYV_LE(max_qp_wr, b.max_qp_wr);
	HYV_LE(max_sge, b.max_sge);
	HYV_LE(max_sge_rd, b.max_sge_rd);
	HYV_LE(max_cq, b.max_cq);
	HYV_LE(max_cqe, b.max_cqe);
	HYV_LE(max_mr, b.max_mr);
	HYV_LE(max_pd, b.max_pd);
	HYV_LE(max_qp_rd_atom, b.max_qp_rd_atom);
	HYV_LE(max_ee_rd_atom, b.max_ee_rd_atom);
	HYV_LE(max_res_rd_atom, b.max_res_rd_atom);
	HYV_LE(max_qp_init_rd_atom, b.max_qp_init_rd_atom);
	HYV_LE(max_ee_init_rd_atom, b.max_ee_init_rd_atom);
	HYV_LE(atomic_cap, b.atomic_cap);
	HYV_LE(max_ee, b.max_ee);
	HYV_LE(max_rdd, b.max_rdd);
	HYV_LE(max_mw, b.max_mw);
	HYV_LE(max_raw_ipv6_qp, b.max_raw_ipv6_qp);
	HYV_LE(max_raw_ethy_qp, b.max_raw_ethy_qp);
	HYV_LE(max_mcast_grp, b.max_mcast_grp);
	HYV_LE(max_mcast_qp_attach, b.max_mcast_qp_attach);
	HYV_LE(max_total_mcast_qp_attach, b.max_total_mcast_qp_attach);
	HYV_LE(max_ah, b.max_ah);
	HYV_LE(max_fmr, b.max_fmr);
	HYV_LE(max_map_per_fmr, b.max_map_per_fmr);
	HYV_LE(max_srq, b.max_srq);
	HYV_LE(max_srq_wr, b.max_srq_wr);
	HYV_LE(max_srq_sge, b.max_srq_sge);
	HYV_LE(max_pkeys, b.max_pkeys);
	HYV_LE(local_ca_ack_delay, b.local_ca_ack_delay);
	HYV_LE(phys_port_cnt, b.phys_port_cnt);
	HYV_LE(response_length, a.response_length);
	HYV_LE(odp_general_caps, a.odp_caps.general_caps);
	HYV_LE(odp_rc_caps, a.odp_caps.per_transport_caps.rc_odp_caps);
	HYV_LE(odp_uc_caps, a.odp_caps.per_transport_caps.uc_odp_caps);
	HYV_LE(odp_ud_caps, a.odp_caps.per_transport_caps.ud_odp_caps);
	HYV_LE(timestamp_mask, a.timestamp_mask);
	HYV_LE(hca_core_clock, a.hca_core_clock);
	HYV_LE(device_cap_flags, a.device_cap_flags_ex);
	HYV_LE(rss_supported_qpts, a.rss_caps.supported_qpts);
	HYV_LE(max_rwq_indirection_tables, a.rss_caps.max_rwq_indirection_tables);
	HYV_LE(max_rwq_indirection_table_size, a.rss_caps.max_rwq_indirection_table_size);
	HYV_LE(max_wq_type_rq, a.max_wq_type_rq);
	HYV_LE(raw_packet_caps, a.raw_packet_caps);
	HYV_LE(tm_max_rndv_hdr_size, a.tm_caps.max_rndv_hdr_size);
	HYV_LE(tm_max_num_tags, a.tm_caps.max_num_tags);
	HYV_LE(tm_flags, a.tm_caps.flags);
	HYV_LE(tm_max_ops, a.tm_caps.max_ops);
	HYV_LE(tm_max_sge, a.tm_caps.max_sge);
	HYV_LE(max_cq_moderation_count, a.cq_moderation_caps.max_cq_moderation_count);
	HYV_LE(max_cq_moderation_period, a.cq_moderation_caps.max_cq_moderation_period);
	HYV_LE(max_dm_size, a.max_dm_size);
	HYV_LE(xrc_odp_caps, a.xrc_odp_caps);
#undef HYV_LE
}

void encode_port_attr(std::span<std::byte> out, const PortAttr &a)
{
	using W = virtio_hyv_port_attr;
	const ib_uverbs_query_port_resp &l = a.legacy_resp;

#define HYV_LE(field, value) \
	store_le<decltype(W::field)>(out, offsetof(W, field), static_cast<decltype(W::field)>(value))
	HYV_LE(port_cap_flags, l.port_cap_flags);
	HYV_LE(max_msg_sz, l.max_msg_sz);
	HYV_LE(bad_pkey_cntr, l.bad_pkey_cntr);
	HYV_LE(qkey_viol_cntr, l.qkey_viol_cntr);
	HYV_LE(gid_tbl_len, l.gid_tbl_len);
	HYV_LE(pkey_tbl_len, l.pkey_tbl_len);
	HYV_LE(lid, l.lid);
	HYV_LE(sm_lid, l.sm_lid);
	HYV_LE(state, l.state);
	HYV_LE(max_mtu, l.max_mtu);
	HYV_LE(active_mtu, l.active_mtu);
	HYV_LE(lmc, l.lmc);
	HYV_LE(max_vl_num, l.max_vl_num);
	HYV_LE(sm_sl, l.sm_sl);
	HYV_LE(subnet_timeout, l.subnet_timeout);
	HYV_LE(init_type_reply, l.init_type_reply);
	HYV_LE(active_width, l.active_width);
	HYV_LE(active_speed, l.active_speed);
	HYV_LE(phys_state, l.phys_state);
	HYV_LE(link_layer, l.link_layer);
	HYV_LE(flags, l.flags);
	HYV_LE(port_cap_flags2, a.port_cap_flags2);
	HYV_LE(active_speed_ex, a.active_speed_ex);
#undef HYV_LE
}

Event event_of_type(uint32_t type)
{
	Event event{};
	store_le<uint32_t>(event, offsetof(virtio_hyv_event, type), type);
	return event;
}

} // namespace

uint32_t wire_status(std::error_code error)
{
	if (!error)
		return VIRTIO_HYV_S_OK;
	if (error.category() == std::generic_category() && error.value() > 0)
		return static_cast<uint32_t>(error.value());
	return EIO;
}

Result<std::size_t> encode_status_response(std::span<std::byte> out, uint32_t status)
{
	using Hdr = virtio_hyv_resp_hdr;

	if (out.size() < sizeof(Hdr))
		return std::make_error_code(std::errc::no_buffer_space);
	store_le<uint32_t>(out, offsetof(Hdr, status), status);
	store_le<uint32_t>(out, offsetof(Hdr, reserved), 0);
	return sizeof(Hdr);
}

Result<std::size_t> encode_hello_response(std::span<std::byte> out,
					  std::span<const DeviceInfo> devices)
{
	using Resp = virtio_hyv_hello_resp;

	if (devices.size() > VIRTIO_HYV_MAX_DEVICES)
		return std::make_error_code(std::errc::invalid_argument);
	for (const DeviceInfo &device : devices) {
		// One byte stays for the terminating NUL.
		if (device.name.size() >= VIRTIO_HYV_DEV_NAME_LEN ||
		    device.name.find('\0') != std::string::npos)
			return std::make_error_code(std::errc::invalid_argument);
	}
	const std::size_t size = kHelloRespSize + devices.size() * kDevInfoSize;
	if (out.size() < size)
		return message_size();

	begin_response(out, size);
	store_le<uint16_t>(out, offsetof(Resp, major), VIRTIO_HYV_VERSION_MAJOR);
	store_le<uint16_t>(out, offsetof(Resp, minor), VIRTIO_HYV_VERSION_MINOR);
	store_le<uint32_t>(out, offsetof(Resp, num_devices),
			   static_cast<uint32_t>(devices.size()));
	for (std::size_t i = 0; i < devices.size(); i++)
		encode_dev_info(out.subspan(kHelloRespSize + i * kDevInfoSize, kDevInfoSize),
				devices[i]);
	return size;
}

Result<std::size_t> encode_query_device_response(std::span<std::byte> out,
						 const ib_uverbs_ex_query_device_resp &attr,
						 std::string_view fw_ver,
						 uint32_t num_comp_vectors)
{
	using Resp = virtio_hyv_query_device_resp;

	if (out.size() < sizeof(Resp))
		return message_size();
	begin_response(out, sizeof(Resp));
	encode_device_attr(out.subspan(offsetof(Resp, attr), sizeof(virtio_hyv_device_attr)), attr);
	store_string(out.subspan(offsetof(Resp, fw_ver), VIRTIO_HYV_FW_VER_LEN), fw_ver);
	store_le<uint32_t>(out, offsetof(Resp, num_comp_vectors), num_comp_vectors);
	return sizeof(Resp);
}

Result<std::size_t> encode_query_port_response(std::span<std::byte> out,
					       const PortAttr &attr)
{
	using Resp = virtio_hyv_query_port_resp;

	if (out.size() < sizeof(Resp))
		return message_size();
	begin_response(out, sizeof(Resp));
	encode_port_attr(out.subspan(offsetof(Resp, attr), sizeof(virtio_hyv_port_attr)), attr);
	return sizeof(Resp);
}

Result<std::size_t> encode_gid_table_response(std::span<std::byte> out,
					      std::span<const GidEntry> entries)
{
	using Resp = virtio_hyv_gid_table_resp;
	using Entry = virtio_hyv_gid_entry;

	const std::size_t size = sizeof(Resp) + entries.size() * kGidEntrySize;
	if (out.size() < size)
		return message_size();
	begin_response(out, size);
	store_le<uint32_t>(out, offsetof(Resp, num_entries), static_cast<uint32_t>(entries.size()));
	for (std::size_t i = 0; i < entries.size(); i++) {
		auto slot = out.subspan(sizeof(Resp) + i * kGidEntrySize, kGidEntrySize);
		store_bytes<16>(slot, offsetof(Entry, gid), entries[i].gid.data());
		store_le<uint32_t>(slot, offsetof(Entry, index), entries[i].index);
		store_le<uint32_t>(slot, offsetof(Entry, gid_type), entries[i].type);
	}
	return size;
}

Result<std::size_t> encode_pkey_table_response(std::span<std::byte> out,
					       std::span<const uint16_t> pkeys)
{
	using Resp = virtio_hyv_pkey_table_resp;

	const std::size_t size = sizeof(Resp) + pkeys.size() * sizeof(uint16_t);
	if (out.size() < size)
		return message_size();
	begin_response(out, size);
	store_le<uint32_t>(out, offsetof(Resp, num_pkeys), static_cast<uint32_t>(pkeys.size()));
	for (std::size_t i = 0; i < pkeys.size(); i++)
		store_le<uint16_t>(out, sizeof(Resp) + i * sizeof(uint16_t), pkeys[i]);
	return size;
}

std::size_t create_context_response_size()
{
	return sizeof(virtio_hyv_create_context_resp);
}

Result<std::size_t> encode_create_context_response(std::span<std::byte> out,
						   uint32_t ctx_handle,
						   uint32_t num_comp_vectors,
						   std::span<const std::byte> udata)
{
	using Resp = virtio_hyv_create_context_resp;

	const std::size_t size = sizeof(Resp) + udata.size();
	if (out.size() < size)
		return message_size();
	begin_response(out, sizeof(Resp));
	store_le<uint32_t>(out, offsetof(Resp, ctx_handle), ctx_handle);
	store_le<uint32_t>(out, offsetof(Resp, num_comp_vectors), num_comp_vectors);
	store_le<uint32_t>(out, offsetof(Resp, udata_len), static_cast<uint32_t>(udata.size()));
	std::ranges::copy(udata, out.begin() + sizeof(Resp));
	return size;
}

std::size_t verb_response_size()
{
	return sizeof(virtio_hyv_verb_resp);
}

Result<std::size_t> encode_verb_response(std::span<std::byte> out,
					 std::span<const std::byte> core,
					 std::span<const std::byte> udata,
					 std::span<const QueueMapInfo> maps)
{
	using Resp = virtio_hyv_verb_resp;
	using Map = virtio_hyv_queue_map;

	if (maps.size() > VIRTIO_HYV_MAX_QUEUE_MAPS)
		return std::make_error_code(std::errc::invalid_argument);
	const std::size_t size = sizeof(Resp) + core.size() + udata.size();
	if (out.size() < size)
		return message_size();
	begin_response(out, sizeof(Resp));
	store_le<uint32_t>(out, offsetof(Resp, resp_len), static_cast<uint32_t>(core.size()));
	store_le<uint32_t>(out, offsetof(Resp, udata_len), static_cast<uint32_t>(udata.size()));
	store_le<uint32_t>(out, offsetof(Resp, num_maps), static_cast<uint32_t>(maps.size()));
	for (std::size_t i = 0; i < maps.size(); i++) {
		const std::size_t at = offsetof(Resp, maps) + i * sizeof(Map);
		store_le<uint64_t>(out, at + offsetof(Map, mmap_offset), maps[i].mmap_offset);
		store_le<uint64_t>(out, at + offsetof(Map, shm_offset), maps[i].shm_offset);
		store_le<uint64_t>(out, at + offsetof(Map, length), maps[i].length);
	}
	std::ranges::copy(core, out.begin() + sizeof(Resp));
	std::ranges::copy(udata, out.begin() + sizeof(Resp) + core.size());
	return size;
}

std::size_t reg_mr_response_size()
{
	return sizeof(virtio_hyv_reg_mr_resp);
}

Result<std::size_t> encode_reg_mr_response(std::span<std::byte> out, uint32_t mr_handle,
					   uint32_t lkey, uint32_t rkey,
					   std::span<const std::byte> udata)
{
	using Resp = virtio_hyv_reg_mr_resp;

	const std::size_t size = sizeof(Resp) + udata.size();
	if (out.size() < size)
		return message_size();
	begin_response(out, sizeof(Resp));
	store_le<uint32_t>(out, offsetof(Resp, mr_handle), mr_handle);
	store_le<uint32_t>(out, offsetof(Resp, lkey), lkey);
	store_le<uint32_t>(out, offsetof(Resp, rkey), rkey);
	store_le<uint32_t>(out, offsetof(Resp, udata_len), static_cast<uint32_t>(udata.size()));
	std::ranges::copy(udata, out.begin() + sizeof(Resp));
	return size;
}

Event encode_broker_up_event()
{
	return event_of_type(VIRTIO_HYV_EVT_BROKER_UP);
}

Event encode_device_added_event(const DeviceInfo &device)
{
	Event event = event_of_type(VIRTIO_HYV_EVT_DEVICE_ADDED);
	encode_dev_info(std::span(event).subspan(offsetof(virtio_hyv_event, device), kDevInfoSize),
			device);
	return event;
}

Event encode_device_removed_event(uint32_t dev_id)
{
	Event event = event_of_type(VIRTIO_HYV_EVT_DEVICE_REMOVED);
	store_le<uint32_t>(event, offsetof(virtio_hyv_event, dev_id), dev_id);
	return event;
}

Event encode_completion_event(uint32_t ctx_handle, uint32_t cq_handle)
{
	using C = virtio_hyv_completion_event;
	Event event = event_of_type(VIRTIO_HYV_EVT_COMPLETION);
	const std::size_t at = offsetof(virtio_hyv_event, completion);
	store_le<uint32_t>(event, at + offsetof(C, ctx_handle), ctx_handle);
	store_le<uint32_t>(event, at + offsetof(C, cq_handle), cq_handle);
	return event;
}

Event encode_async_event(uint32_t ctx_handle, uint32_t event_type, uint32_t handle)
{
	using A = virtio_hyv_async_event;
	Event event = event_of_type(VIRTIO_HYV_EVT_ASYNC);
	const std::size_t at = offsetof(virtio_hyv_event, async);
	store_le<uint32_t>(event, at + offsetof(A, ctx_handle), ctx_handle);
	store_le<uint32_t>(event, at + offsetof(A, event_type), event_type);
	store_le<uint32_t>(event, at + offsetof(A, handle), handle);
	return event;
}

} // namespace hyv::proto
