// SkyPanel's router: Caddy's standard modules plus the platform's per-app traffic handlers
// (traffic/). Built once per machine by scripts/lib/require.sh (require_custom_caddy).
package main

import (
	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	_ "github.com/caddyserver/caddy/v2/modules/standard"

	_ "skypanel.dev/router/custom-caddy/traffic"
)

func main() {
	caddycmd.Main()
}
