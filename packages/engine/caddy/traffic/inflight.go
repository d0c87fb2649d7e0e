package traffic

import (
	"net/http"
	"sync"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

func init() {
	caddy.RegisterModule(InFlightLimit{})
}

// InFlightLimit answers 429 when a client address already has `max_per_address` requests of
// this app in flight (a WebSocket counts for as long as it is open). Idle keep-alive
// connections are not counted: they cost the app nothing.
type InFlightLimit struct {
	Zone          string `json:"zone"`
	MaxPerAddress int    `json:"max_per_address"`

	counts *inFlight
}

type inFlight struct {
	mu sync.Mutex
	n  map[string]int
}

var (
	inFlightMu    sync.Mutex
	inFlightZones = map[string]*inFlight{}
)

func (InFlightLimit) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.skypanel_in_flight_limit",
		New: func() caddy.Module { return new(InFlightLimit) },
	}
}

func (l *InFlightLimit) Provision(caddy.Context) error {
	if l.MaxPerAddress <= 0 {
		return errorf("skypanel_in_flight_limit: max_per_address must be positive")
	}
	// One count per app across reloads: requests started under the old config still finish under it.
	inFlightMu.Lock()
	defer inFlightMu.Unlock()
	c, ok := inFlightZones[l.Zone]
	if !ok {
		c = &inFlight{n: map[string]int{}}
		inFlightZones[l.Zone] = c
	}
	l.counts = c
	return nil
}

func (l *InFlightLimit) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	address := clientAddress(r)
	c := l.counts
	c.mu.Lock()
	if c.n[address] >= l.MaxPerAddress {
		c.mu.Unlock()
		w.Header().Set("Retry-After", "1")
		writeRefusal(w, http.StatusTooManyRequests, "TOO_MANY_CONCURRENT_REQUESTS", "Too many requests from this address are in flight; try again in a moment.")
		return nil
	}
	c.n[address]++
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		if c.n[address]--; c.n[address] <= 0 {
			delete(c.n, address)
		}
		c.mu.Unlock()
	}()
	return next.ServeHTTP(w, r)
}

var (
	_ caddy.Provisioner           = (*InFlightLimit)(nil)
	_ caddyhttp.MiddlewareHandler = (*InFlightLimit)(nil)
)
