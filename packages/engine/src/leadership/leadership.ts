import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Database } from "@skypanel/db";
import { acquireLease, findLease, releaseLease } from "@skypanel/db/queries";

export interface LeaseSettings {
  /** How long the lease lasts without a renewal: a dead leader is replaced within about this long. */
  ttlMs: number;
  /** How often the leader renews, and a follower tries to take the lease over. */
  renewMs: number;
}

export const DEFAULT_LEASE: LeaseSettings = { ttlMs: 10_000, renewMs: 2_000 };
export const LEASE_NAME = "control-plane";

// A leader whose last successful renewal was sent this share of the TTL ago stops leading, so
// its services are stopped before the lease can expire and another control plane take it.
const STEP_DOWN_AT = 0.6;

export interface LeadershipOptions {
  db: Database;
  /**
   * This control plane's name in the lease (default: host, pid and a random part). The engine
   * uses host and $SKYPANEL_HOME, so a control plane restarted after a crash takes its own
   * unexpired lease back at once instead of waiting for it to run out.
   */
  holder?: string;
  /** null: this process leads alone, without a lease (one control plane, e.g. on PGlite). */
  lease: LeaseSettings | null;
  /** Starts the leader's services; `follow` stops them. Never called twice in a row. */
  lead: () => Promise<void>;
  follow: () => Promise<void>;
  onChange?: (leading: boolean, reason: string) => void;
  onError?: (err: Error) => void;
}

export interface LeadershipStatus {
  mode: "solo" | "lease";
  /** This control plane's name in the lease. */
  self: string;
  leading: boolean;
  /** Who holds an unexpired lease (null: nobody, a takeover is due). */
  leader: string | null;
  expiresAt: Date | null;
}

export function createLeadership(o: LeadershipOptions) {
  const self = o.holder ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const onError = o.onError ?? ((err: Error) => console.error("[leadership]", err.message));
  const onChange = o.onChange ?? ((leading, reason) => console.log(`[leadership] ${self} ${leading ? "leads" : "follows"}: ${reason}`));
  let leading = false;
  let stopped = true;
  let ticker: NodeJS.Timeout | null = null;
  let watchdog: NodeJS.Timeout | null = null;
  let tick: Promise<void> | null = null;
  // Lead and follow run one after another, never overlapping.
  let transition: Promise<void> = Promise.resolve();

  const become = (lead: boolean, reason: string) => {
    transition = transition.then(async () => {
      if (leading === lead) return;
      leading = lead;
      onChange(lead, reason);
      try {
        await (lead ? o.lead() : o.follow());
      } catch (err) {
        onError(err as Error);
        // Half-started services are stopped, and the lease given up for another to try.
        if (lead && o.lease) {
          leading = false;
          await o.follow().catch(onError);
          await releaseLease(o.db, LEASE_NAME, self).catch(onError);
        }
      }
    });
    return transition;
  };

  async function renew(settings: LeaseSettings) {
    const sentAt = performance.now();
    let held: boolean;
    try {
      held = (await acquireLease(o.db, LEASE_NAME, self, settings.ttlMs)) !== null;
    } catch (err) {
      // The database is away: the watchdog steps down if this goes on.
      onError(err as Error);
      return;
    }
    if (stopped) return;
    if (!held) {
      if (leading) await become(false, "another control plane holds the lease");
      return;
    }
    // Measured from when the renewal was sent: the database's expiry is at least this late.
    const left = sentAt + settings.ttlMs * STEP_DOWN_AT - performance.now();
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(() => void become(false, "the lease could not be renewed in time"), Math.max(0, left));
    watchdog.unref();
    if (!leading) await become(true, "took the lease");
  }

  const runTick = (settings: LeaseSettings) => {
    tick ??= renew(settings).finally(() => {
      tick = null;
    });
    return tick;
  };

  return {
    self,
    isLeader: () => leading,

    /** Solo: leads now (a failure throws, as a failed start should). Lease: tries once, then keeps at it. */
    async start() {
      stopped = false;
      const settings = o.lease;
      if (!settings) {
        leading = true;
        await o.lead();
        return;
      }
      await runTick(settings);
      await transition;
      ticker = setInterval(() => void runTick(settings), settings.renewMs);
      ticker.unref();
    },

    /** Stops leading (services stopped first) and gives the lease up for another control plane. */
    async stop() {
      stopped = true;
      if (ticker) clearInterval(ticker);
      if (watchdog) clearTimeout(watchdog);
      await tick;
      if (!o.lease) {
        // Alone, stopping stops everything, as it always did (started or not).
        leading = false;
        await o.follow();
        return;
      }
      await become(false, "stopping");
      await releaseLease(o.db, LEASE_NAME, self).catch(onError);
    },

    async status(): Promise<LeadershipStatus> {
      if (!o.lease) return { mode: "solo", self, leading, leader: leading ? self : null, expiresAt: null };
      const lease = await findLease(o.db, LEASE_NAME);
      const live = lease && !lease.expired ? lease : null;
      return { mode: "lease", self, leading, leader: live?.holder ?? null, expiresAt: live?.expiresAt ?? null };
    },
  };
}

export type Leadership = ReturnType<typeof createLeadership>;
