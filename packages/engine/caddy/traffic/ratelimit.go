// Package traffic holds the handlers SkyPanel's router puts in front of an app: a request rate
// limit and a limit on requests in flight, both per client address, and a WAF (waf.go).
// The Go module proxy serves neither mholt/caddy-ratelimit nor coraza-caddy here, so these are
// the platform's own, small and tested through the router tests (packages/engine/src/router).
package traffic

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

func init() {
	caddy.RegisterModule(RateLimit{})
}

// RateLimit answers 429 with Retry-After once a client address has used its requests: a token
// bucket per address holding `burst` requests, refilled at `requests_per_minute`.
type RateLimit struct {
	// Zone keeps each app's buckets apart (the app's name); buckets outlive config reloads.
	Zone              string `json:"zone"`
	RequestsPerMinute int    `json:"requests_per_minute"`
	// Burst is how many requests an address may send at once; 0 means requests_per_minute.
	Burst int `json:"burst,omitempty"`

	buckets *bucketZone
}

func (RateLimit) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.skypanel_rate_limit",
		New: func() caddy.Module { return new(RateLimit) },
	}
}

func (rl *RateLimit) Provision(caddy.Context) error {
	if rl.RequestsPerMinute <= 0 {
		return errorf("skypanel_rate_limit: requests_per_minute must be positive")
	}
	if rl.Burst <= 0 {
		rl.Burst = rl.RequestsPerMinute
	}
	rl.buckets = zoneFor("rate:"+rl.Zone+":"+strconv.Itoa(rl.RequestsPerMinute)+":"+strconv.Itoa(rl.Burst), func() *bucketZone {
		return &bucketZone{buckets: map[string]*bucket{}}
	})
	return nil
}

func (rl *RateLimit) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	wait := rl.buckets.take(clientAddress(r), float64(rl.RequestsPerMinute)/60, float64(rl.Burst), time.Now())
	if wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		writeRefusal(w, http.StatusTooManyRequests, "RATE_LIMITED", "Too many requests from this address; try again after Retry-After seconds.")
		return nil
	}
	return next.ServeHTTP(w, r)
}

type bucket struct {
	tokens float64
	last   time.Time
}

type bucketZone struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

// take spends one token of the address's bucket; when none is left it returns how long until one is.
func (z *bucketZone) take(address string, perSecond, burst float64, now time.Time) time.Duration {
	z.mu.Lock()
	defer z.mu.Unlock()
	b, ok := z.buckets[address]
	if !ok {
		b = &bucket{tokens: burst, last: now}
		z.buckets[address] = b
	}
	b.tokens = math.Min(burst, b.tokens+now.Sub(b.last).Seconds()*perSecond)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / perSecond * float64(time.Second))
}

// sweep forgets buckets that have refilled (they would start full anyway).
func (z *bucketZone) sweep(now time.Time, idle time.Duration) {
	z.mu.Lock()
	defer z.mu.Unlock()
	for address, b := range z.buckets {
		if now.Sub(b.last) > idle {
			delete(z.buckets, address)
		}
	}
}

// clientAddress is the address Caddy sees ({http.request.remote.host}): the connection's peer.
func clientAddress(r *http.Request) string {
	if host, ok := caddyhttp.GetVar(r.Context(), caddyhttp.ClientIPVarKey).(string); ok && host != "" {
		return host
	}
	return r.RemoteAddr
}

var (
	_ caddy.Provisioner           = (*RateLimit)(nil)
	_ caddyhttp.MiddlewareHandler = (*RateLimit)(nil)
)
