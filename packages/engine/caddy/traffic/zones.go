package traffic

import (
	"fmt"
	"sync"
	"time"
)

// Zones live at package level so a config reload (every route change) keeps each address's
// count; a zone whose settings change gets a new key, so it starts afresh.
var (
	zonesMu sync.Mutex
	zones   = map[string]*bucketZone{}
	sweeper sync.Once
)

// Buckets idle this long have refilled for any rate of at least one request an hour.
const idleBucket = time.Hour

func zoneFor(key string, create func() *bucketZone) *bucketZone {
	sweeper.Do(func() {
		go func() {
			for now := range time.Tick(time.Minute) {
				zonesMu.Lock()
				all := make([]*bucketZone, 0, len(zones))
				for _, z := range zones {
					all = append(all, z)
				}
				zonesMu.Unlock()
				for _, z := range all {
					z.sweep(now, idleBucket)
				}
				forgetEmptyZones()
			}
		}()
	})
	zonesMu.Lock()
	defer zonesMu.Unlock()
	z, ok := zones[key]
	if !ok {
		z = create()
		zones[key] = z
	}
	return z
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// forgetEmptyZones drops zones without buckets (every address idle for an hour), so zones of
// settings no longer used do not pile up; a zone still in use is made again at the next reload,
// losing nothing but buckets that would have started full anyway.
func forgetEmptyZones() {
	zonesMu.Lock()
	defer zonesMu.Unlock()
	for key, z := range zones {
		z.mu.Lock()
		empty := len(z.buckets) == 0
		z.mu.Unlock()
		if empty {
			delete(zones, key)
		}
	}
}
