#!/usr/bin/env python3
"""One-off: switches on the membership handshakes (owner 4 of issue 5) once the RoomService
remote-event API (accept_remote_event, store_outliers, adopt_remote_room, record_remote_invite,
RemoteEventOutcome, PduPtr; federation plan "Contracts") is in services/rooms/room_service.hpp.

Renames the *.cpp.pending files (kept out of the build until then), adds the Services member,
the route list and the client API call sites. Idempotent. Delete this script after running it.
Then: clang-format -i the touched files, cmake configure, build, run
myelin_services_federation_tests (MembershipFederationTest: 12 two-homeserver tests).
"""
import os

R = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src') + '/'
for base in ['services/federation/membership_send','services/federation/federated_membership','services/federation/membership_federation_test','api/federation/membership_handlers']:
    if os.path.exists(R+base+'.cpp.pending'):
        os.rename(R+base+'.cpp.pending', R+base+'.cpp')
p=R+'services/services.hpp'; s=open(p).read()
if 'membership_federation' not in s:
    s=s.replace('#include "services/federation/federation_reads.hpp"','#include "services/federation/federation_reads.hpp"\n#include "services/federation/membership_federation.hpp"',1)
    s=s.replace('        federation_sender(context, rooms, typing, presence)','        federation_sender(context, rooms, typing, presence),\n        membership_federation(context, rooms, federation_sender)',1)
    s=s.replace('  services::FederationSender federation_sender;  // outbound queues; EDUs in and out','  services::FederationSender federation_sender;  // outbound queues; EDUs in and out\n  services::MembershipFederation membership_federation;  // join/leave/knock/invite handshakes',1)
    assert s.count('membership_federation')==3, s.count('membership_federation')
    open(p,'w').write(s)
p=R+'api/federation/federation_routes.hpp'; s=open(p).read()
if 'membership_routes' not in s:
    s=s.replace('std::vector<http::Route> read_routes();','std::vector<http::Route> read_routes();\n\n// The membership handshakes: make/send join, leave and knock, and invites (v2).\nstd::vector<http::Route> membership_routes();')
    open(p,'w').write(s)
p=R+'api/routes.cpp'; s=open(p).read()
if 'membership_routes' not in s:
    s=s.replace('           read_routes,\n','           read_routes,\n           membership_routes,\n',1)
    assert 'membership_routes' in s
    open(p,'w').write(s)

# The client API: joins, invites and leaves through FederatedMembership; remote aliases.
p=R + 'api/client/room_handlers.cpp'; s=open(p).read()
old_join_id='''  co_await ctx.services->rooms.join(room_id, ctx.principal.user_id, std::move(reason));
  co_return ok({{"room_id", room_id}});
}

// POST /_matrix/client/v3/join/{roomIdOrAlias} — joins by room ID or local alias.
Reply post_join(RequestContext& ctx) {
  const bj::object body = body_object_or_empty(ctx.request);
  std::string id_or_alias = ctx.request.param("roomIdOrAlias");
  std::string room_id = co_await resolve_room(*ctx.services, std::move(id_or_alias));
  std::optional<std::string> reason = optional_string(body, "reason");
  co_await refuse_if_suspended(ctx, "Joining rooms");
  co_await ctx.services->rooms.join(room_id, ctx.principal.user_id, std::move(reason));
  co_return ok({{"room_id", room_id}});
}'''
new_join_id='''  std::vector<std::string> no_servers;  // the inviter's and the room ID's server are tried
  co_await ctx.services->membership_federation.ours.join(room_id, ctx.principal.user_id,
                                                         std::move(no_servers), std::move(reason));
  co_return ok({{"room_id", room_id}});
}

// POST /_matrix/client/v3/join/{roomIdOrAlias}?server_name=&via= — joins by room ID or alias
// (another server's alias through its directory); a room this server is not in is joined
// through the given servers, or the alias's.
Reply post_join(RequestContext& ctx) {
  const bj::object body = body_object_or_empty(ctx.request);
  std::string id_or_alias = ctx.request.param("roomIdOrAlias");
  std::vector<std::string> servers;
  for (std::string_view key : {"via", "server_name"}) {
    for (std::string_view server : ctx.request.query.get_all(key)) servers.emplace_back(server);
  }
  std::string room_id;
  if (!id_or_alias.empty() && id_or_alias[0] == '#') {
    if (!ids::RoomAlias::parse(id_or_alias)) {
      throw MatrixError(ErrCode::kInvalidParam, "Invalid room alias: " + id_or_alias);
    }
    services::FederatedMembership::AliasTarget target =
        co_await ctx.services->membership_federation.ours.resolve_alias(std::move(id_or_alias));
    room_id = std::move(target.room_id);
    servers.insert(servers.end(), target.servers.begin(), target.servers.end());
  } else {
    room_id = co_await resolve_room(*ctx.services, std::move(id_or_alias));
  }
  std::optional<std::string> reason = optional_string(body, "reason");
  co_await refuse_if_suspended(ctx, "Joining rooms");
  co_await ctx.services->membership_federation.ours.join(room_id, ctx.principal.user_id,
                                                         std::move(servers), std::move(reason));
  co_return ok({{"room_id", room_id}});
}'''
s=s.replace(old_join_id,new_join_id)
old_inv='''  co_await ctx.services->rooms.invite(room_id, ctx.principal.user_id, target, std::move(reason),
                                      false);'''
new_inv='''  co_await ctx.services->membership_federation.ours.invite(room_id, ctx.principal.user_id, target,
                                                           std::move(reason), false);'''
s=s.replace(old_inv,new_inv)
old_leave='''  co_await ctx.services->rooms.leave(std::move(room_id), ctx.principal.user_id, std::move(reason));'''
new_leave='''  co_await ctx.services->membership_federation.ours.leave(std::move(room_id),
                                                          ctx.principal.user_id, std::move(reason));'''
s=s.replace(old_leave,new_leave)
open(p,'w').write(s)

p=R + 'api/client/directory_handlers.cpp'; s=open(p).read()
old='''  const std::string alias = alias_param(ctx.request).to_string();
  storage::Store& store = services.ctx.store;'''
new='''  const std::string alias = alias_param(ctx.request).to_string();
  if (alias_param(ctx.request).server_name().to_string() != services.ctx.server_name()) {
    // Another server's alias: its directory answers (server-server API /query/directory).
    services::FederatedMembership::AliasTarget target =
        co_await services.membership_federation.ours.resolve_alias(alias);
    bj::array remote_servers;
    for (const std::string& server : target.servers) remote_servers.emplace_back(server);
    co_return ok({{"room_id", target.room_id}, {"servers", std::move(remote_servers)}});
  }
  storage::Store& store = services.ctx.store;'''
s=s.replace(old,new)
s=s.replace("  // No federation queries yet: an alias of another server is one this server does not know.\n","")
open(p,'w').write(s)
print("activated")
