// Package store keeps concert's sessions on disk: where they live, their
// names, the session file format, the trash that `concert rm` fills, the
// instance lock that lets a session run once at a time, and the rotated
// session log.
//
// Files live under the XDG data directory (see github.com/adrg/xdg):
//
//	<data>/concert/sessions/NAME.go   user sessions ($CONCERT_SESSIONS_DIR overrides)
//	<data>/concert/trash/NAME/*.go    removed and replaced sessions, newest restorable
//	<data>/concert/locks/NAME.lock    instance locks of running sessions
//	<data>/concert/log/concert.log    the session log, rotated
//
// A session name not found among the user sessions falls back to the
// sessions bundled with the binary (Store.Bundled).
package store
