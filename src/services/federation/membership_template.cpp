#include "services/federation/membership_template.hpp"

#include "services/rooms/event_builder.hpp"

namespace myelin::services {

Expected<boost::json::object> membership_template(ServiceContext& ctx, const RoomState& room,
                                                  const std::string& user_id,
                                                  boost::json::object content) {
  EventDraft draft;
  draft.sender = user_id;
  draft.type = "m.room.member";
  draft.state_key = user_id;
  draft.content = std::move(content);
  // Built and signed as if it were ours, so that the auth rules judge exactly the event the
  // remote server will send back; the proof of our making it is then taken off.
  auto built = build_event(room, draft, ctx.server_name(), ctx.signing_key, ctx.now_ms());
  if (!built) return fail(built.error());
  if (auto allowed = authorize_event(room, built->pdu); !allowed) return fail(allowed.error());
  boost::json::object event = built->pdu.json();
  event.erase("signatures");
  event.erase("hashes");
  event.erase("event_id");
  event.erase("unsigned");
  return event;
}

}  // namespace myelin::services
