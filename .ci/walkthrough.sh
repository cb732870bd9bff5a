#!/usr/bin/env bash
# Starts the demo as the README does (`npm start`, no DATABASE_URL) and runs the
# README's curl walk-through, checking each status and body.
set -euo pipefail
PORT="${PORT:-3917}"
export PORT
B="http://127.0.0.1:$PORT"
LOG="$(mktemp)"

# Job control gives the server its own process group, so Ctrl-C can be sent to all of it as a terminal would.
set -m
npm start >"$LOG" 2>&1 &
SERVER=$!
set +m
stop() {
  kill -INT -- "-$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  if pgrep -f "$PWD/.data/postgres" >/dev/null; then echo "FAIL: the embedded PostgreSQL outlived Ctrl-C"; exit 1; fi
}
trap stop EXIT

for _ in $(seq 1 120); do
  curl -s -o /dev/null "$B/auth/me" && break
  sleep 0.5
done

expect() { # name expected-status expected-body actual-status actual-body
  if [ "$4" != "$2" ] || { [ -n "$3" ] && [ "$5" != "$3" ]; }; then
    echo "FAIL $1: got $4 $5, want $2 $3"; cat "$LOG"; exit 1
  fi
  echo "ok   $1: $4 $5"
}
call() { curl -s -w '\n%{http_code}' "$@"; }
split() { BODY="$(printf '%s' "$1" | sed '$d')"; STATUS="$(printf '%s' "$1" | tail -n1)"; }

UNAUTH='{"message":"Unauthorized","description":"Invalid, expired or missing bearer token","code":"UNAUTHORIZED"}'

split "$(call -X POST "$B/auth/login" -H 'Content-Type: application/json' -d '{"email":"demo@example.com","password":"demo-password"}')"
expect login 200 "" "$STATUS" "$BODY"
TOKEN="$(printf '%s' "$BODY" | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')"

split "$(call "$B/auth/me" -H "Authorization: Bearer $TOKEN")"
expect me 200 "" "$STATUS" "$BODY"
split "$(call -X POST "$B/auth/logout" -H "Authorization: Bearer $TOKEN")"
expect logout 200 '{"message":"Logged out successfully"}' "$STATUS" "$BODY"
split "$(call "$B/auth/me" -H "Authorization: Bearer $TOKEN")"
expect me-after-logout 401 "$UNAUTH" "$STATUS" "$BODY"
split "$(call -X POST "$B/auth/logout" -H "Authorization: Bearer $TOKEN")"
expect logout-again 401 "$UNAUTH" "$STATUS" "$BODY"
# Opening http://localhost:3000 in a browser: the sessions page (cookie mode is the demo's default).
PAGE="$(curl -s "$B/")"
case "$PAGE" in
  *'<title>Sessions · nest-signout demo</title>'*'>Sign in</button>'*) echo "ok   GET /: the sessions page" ;;
  *) echo "FAIL GET /: not the sessions page: $PAGE"; cat "$LOG"; exit 1 ;;
esac
echo "walk-through passed"
