#include "user/notifications/payloads.hpp"

#include <algorithm>
#include <cctype>

#include "core/base/errors.hpp"
#include "core/base/query_params.hpp"

namespace uitgo::user::notifications {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
  return s;
}

// "A → B", or what there is of it.
std::string route_text(const peers::TripNotice& n) {
  if (!n.origin_text.empty() && !n.dest_text.empty()) return n.origin_text + " → " + n.dest_text;
  return !n.origin_text.empty() ? n.origin_text : n.dest_text;
}

}  // namespace

boost::json::object to_json(const Notification& n) {
  boost::json::object o{
      {"id", n.id}, {"title", n.title}, {"body", n.body}, {"type", n.type}, {"createdAt", n.created_at}};
  if (n.trip_id) o["tripId"] = *n.trip_id;
  if (n.read_at) o["readAt"] = *n.read_at;
  return o;
}

ListQuery parse_list_query(std::optional<std::string_view> unread_only, std::optional<std::string_view> limit,
                           std::optional<std::string_view> offset) {
  ListQuery q;
  if (unread_only && !unread_only->empty()) {
    const auto value = lower(*unread_only);
    if (value == "true" || value == "1") {
      q.unread_only = true;
    } else if (value != "false" && value != "0") {
      throw DomainError::invalid("unreadOnly", "unreadOnly must be true or false");
    }
  }
  const auto page = page_query(
      limit, offset, PageBounds{.default_limit = kDefaultLimit, .max_limit = kMaxLimit, .max_offset = kMaxOffset});
  q.limit = page.limit;
  q.offset = page.offset;
  return q;
}

DeviceRegistration DeviceRegistration::from_json(const json::Fields& f) {
  const auto platform = lower(trim(f.required_string("platform", {.min_length = 1, .max_length = 32})));
  if (platform != "android" && platform != "ios" && platform != "web") {
    throw DomainError::invalid("platform", "platform must be android, ios or web");
  }
  const auto token = std::string(trim(f.required_string("token", {.min_length = 1, .max_length = kTokenMax})));
  if (token.empty()) throw DomainError::invalid("token", "token must not be blank");
  return {.platform = platform, .token = token};
}

DeviceRegistration parse_device_registration(std::string_view body) {
  return json::parse_body<DeviceRegistration>(body);
}

std::vector<Draft> welcome_drafts(std::string_view name) {
  auto display = std::string(trim(name));
  if (display.empty()) display = "UIT-Go Rider";
  return {Draft{.type = "system",
                .title = "Chào mừng đến với UIT-Go!",
                .body = "Xin chào " + display +
                        ", cảm ơn bạn đã trải nghiệm UIT-Go. Chúng tôi đã sẵn sàng đồng hành trên mọi hành trình."},
          Draft{.type = "promotion",
                .title = "Ưu đãi độc quyền",
                .body = "Xem các ưu đãi dành riêng cho bạn trong mục Khuyến mãi trước chuyến đi đầu tiên."}};
}

Draft trip_draft(const peers::TripNotice& n) {
  Draft d{.type = "trip." + n.kind, .trip_id = n.trip_id, .android_channel = "trip_updates"};
  const auto route = route_text(n);
  if (n.kind == "offered") {
    d.title = "Chuyến đi mới";
    d.body = route.empty() ? "Bạn có một yêu cầu chuyến đi mới." : route;
    d.data = {{"event", "trip.assigned"}, {"tripId", n.trip_id}, {"tripStatus", n.status}};
    d.android_channel = "driver_assignments";
    return d;
  }
  d.data = {{"event", "trip.status"}, {"status", n.status}, {"tripId", n.trip_id}};
  if (n.kind == "accepted") {
    d.title = "Tài xế đã nhận chuyến";
    d.body = n.origin_text.empty() ? "Tài xế đang trên đường đến đón bạn."
                                   : "Tài xế đang trên đường đến " + n.origin_text + ".";
  } else if (n.kind == "arriving") {
    d.title = "Tài xế sắp đến";
    d.body =
        n.origin_text.empty() ? "Tài xế của bạn đã ở gần điểm đón." : "Tài xế của bạn đã ở gần " + n.origin_text + ".";
  } else if (n.kind == "completed") {
    d.title = "Chuyến đi hoàn tất";
    d.body =
        n.dest_text.empty() ? "Cảm ơn bạn đã đi cùng UIT-Go." : "Cảm ơn bạn đã đi cùng UIT-Go đến " + n.dest_text + ".";
  } else if (n.kind == "no_driver") {
    d.title = "Không tìm thấy tài xế";
    d.body = "Chưa có tài xế nhận chuyến của bạn, chuyến đã được hủy. Vui lòng đặt lại sau ít phút.";
  } else {  // cancelled
    d.title = "Chuyến đi đã bị hủy";
    d.body = route.empty() ? "Chuyến đi của bạn đã bị hủy." : "Chuyến " + route + " đã bị hủy.";
    if (n.cancel_reason) d.data.emplace_back("cancelReason", *n.cancel_reason);
  }
  if (n.recipient == "driver") d.android_channel = "driver_assignments";
  return d;
}

std::chrono::milliseconds push_retry_delay(int attempts, std::chrono::milliseconds base,
                                           std::chrono::milliseconds max) {
  if (attempts < 1) attempts = 1;
  const int shift = std::min(attempts - 1, 30);
  const auto scaled = base.count() * (std::int64_t{1} << shift);
  return std::chrono::milliseconds(std::min<std::int64_t>(scaled, max.count()));
}

}  // namespace uitgo::user::notifications
