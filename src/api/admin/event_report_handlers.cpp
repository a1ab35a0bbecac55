// Event reports for admins (Synapse Admin API): GET /_synapse/admin/v1/event_reports and
// GET/DELETE /_synapse/admin/v1/event_reports/{reportId}.
#include <boost/json/parse.hpp>

#include "api/admin/admin_room_support.hpp"
#include "api/admin/admin_routes.hpp"
#include "api/client/json_body.hpp"
#include "base/log.hpp"
#include "base/matrix_error.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

bj::value nullable(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return bj::value(*text);
}

// A report with its room's current name and canonical alias (null once the room is gone).
boost::asio::awaitable<bj::object> report_json(Services& services, storage::EventReport report) {
  std::optional<services::RoomSummary> room = co_await services.room_admin.summary(report.room_id);
  bj::object object{{"id", report.id},
                    {"received_ts", report.received_ts},
                    {"room_id", report.room_id},
                    {"name", room ? nullable(room->name) : bj::value(nullptr)},
                    {"event_id", report.event_id},
                    {"user_id", report.user_id},
                    {"reason", nullable(report.reason)},
                    {"sender", report.event_sender},
                    {"canonical_alias", room ? nullable(room->canonical_alias) : nullptr}};
  object["score"] = report.score ? bj::value(*report.score) : bj::value(nullptr);
  co_return object;
}

std::int64_t report_id_param(const http::Request& request) {
  const std::string& text = request.param("reportId");
  const char* kMessage =
      "The report_id parameter must be a string representing a positive integer.";
  if (text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    throw MatrixError(ErrCode::kInvalidParam, kMessage);
  }
  return std::stoll(text);
}

// GET /_synapse/admin/v1/event_reports — {event_reports, total, next_token?}.
Reply get_event_reports(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  storage::EventReportQuery query;
  auto from = query_string(ctx.request, "from");
  auto limit = query_string(ctx.request, "limit");
  // Synapse's own messages for negative offsets and limits.
  if (from && !from->empty() && (*from)[0] == '-') {
    throw MatrixError(ErrCode::kInvalidParam, "The start parameter must be a positive integer.");
  }
  if (limit && !limit->empty() && (*limit)[0] == '-') {
    throw MatrixError(ErrCode::kInvalidParam, "The limit parameter must be a positive integer.");
  }
  query.from = query_int(ctx.request, "from").value_or(0);
  query.limit = query_int(ctx.request, "limit").value_or(100);
  const std::string dir = query_string(ctx.request, "dir").value_or("b");
  if (dir != "b" && dir != "f") {
    throw MatrixError(ErrCode::kInvalidParam,
                      "Query parameter \"dir\" must be one of [\"b\", \"f\"]");
  }
  query.newest_first = dir == "b";
  query.user_id = query_string(ctx.request, "user_id");
  query.room_id = query_string(ctx.request, "room_id");
  query.event_sender = query_string(ctx.request, "event_sender_user_id");
  storage::Store& store = services.ctx.store;
  auto load = [&store, query] { return store.room_admin.event_reports(query); };
  storage::EventReportPage page = co_await services.ctx.db(std::move(load));
  bj::array reports;
  for (storage::EventReport& report : page.reports) {
    bj::object rendered = co_await report_json(services, std::move(report));
    reports.push_back(std::move(rendered));
  }
  const auto shown = static_cast<std::int64_t>(reports.size());
  bj::object response{{"event_reports", std::move(reports)}, {"total", page.total}};
  if (query.from + query.limit < page.total) response["next_token"] = query.from + shown;
  co_return ok(std::move(response));
}

// GET /_synapse/admin/v1/event_reports/{reportId} — one report with the reported event.
Reply get_event_report(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  const std::int64_t id = report_id_param(ctx.request);
  storage::Store& store = services.ctx.store;
  auto load = [&store, id] {
    auto report = store.room_admin.event_report(id);
    std::optional<storage::EventRecord> event;
    if (report) event = store.events.event(report->event_id);
    return std::pair{std::move(report), std::move(event)};
  };
  auto [report, event] = co_await services.ctx.db(std::move(load));
  if (!report) throw MatrixError(ErrCode::kNotFound, "Event report not found");
  bj::object response = co_await report_json(services, std::move(*report));
  // The event as stored (its PDU); null once purged.
  response["event_json"] = event ? bj::parse(event->pdu_json) : bj::value(nullptr);
  co_return ok(std::move(response));
}

// DELETE /_synapse/admin/v1/event_reports/{reportId}.
Reply delete_event_report(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  const std::int64_t id = report_id_param(ctx.request);
  storage::Store& store = services.ctx.store;
  auto remove = [&store, id] { return store.room_admin.delete_event_report(id); };
  const bool removed = co_await services.ctx.db(std::move(remove));
  if (!removed) throw MatrixError(ErrCode::kNotFound, "Event report not found");
  log::info("admin", "{} deleted event report {}", ctx.principal.user_id, id);
  co_return ok();
}

}  // namespace

std::vector<http::Route> admin_event_report_routes() {
  using http::AuthKind;
  using http::Method;
  constexpr http::RateLimitClass kNoLimit = http::RateLimitClass::kNone;
  return {
      {Method::kGet, "/_synapse/admin/v1/event_reports", AuthKind::kAdmin, kNoLimit,
       get_event_reports},
      {Method::kGet, "/_synapse/admin/v1/event_reports/{reportId}", AuthKind::kAdmin, kNoLimit,
       get_event_report},
      {Method::kDelete, "/_synapse/admin/v1/event_reports/{reportId}", AuthKind::kAdmin, kNoLimit,
       delete_event_report},
  };
}

}  // namespace myelin::api
