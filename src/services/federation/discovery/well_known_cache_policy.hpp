#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace myelin::services::discovery {

// How long /.well-known/matrix/server answers are kept (spec: "Responses (successful or
// otherwise) ... should be cached", with the bounds it recommends, and Synapse's values).

// No Cache-Control: 24 hours, the spec's "sensible default".
inline constexpr std::chrono::seconds kWellKnownDefaultCache = std::chrono::hours(24);
// At most 48 hours whatever the headers say (the spec's recommended maximum): a server that
// moves is found again within two days.
inline constexpr std::chrono::seconds kWellKnownMaxCache = std::chrono::hours(48);
// At least 5 minutes (Synapse): "no-store" or max-age=0 must not make us fetch the document
// before every request to that server.
inline constexpr std::chrono::seconds kWellKnownMinCache = std::chrono::minutes(5);
// No valid document (404, bad JSON, no m.server): one hour, the spec's "up to an hour" for
// errors; that server simply does not delegate, and SRV/A records are used meanwhile.
inline constexpr std::chrono::seconds kWellKnownInvalidCache = std::chrono::hours(1);
// The host did not answer (connection, TLS or DNS trouble, time-out, 5xx): 2 minutes (Synapse),
// so that a brief outage of a delegating host does not misroute us for an hour.
inline constexpr std::chrono::seconds kWellKnownDownCache = std::chrono::minutes(2);

// Repeated unreachable answers: the spec encourages exponential back-off, so each consecutive
// failure doubles kWellKnownDownCache, up to the hour the spec allows for errors.
std::chrono::seconds well_known_down_period(int consecutive_failures);

// The cache period a valid document's Cache-Control asks for ("max-age=N"; "no-store" and
// "no-cache": none), clamped to the bounds above; the default when the header says nothing.
std::chrono::seconds well_known_cache_period(std::optional<std::string_view> cache_control);

}  // namespace myelin::services::discovery
