// Log drains (Heroku's `drains:add`): an app's log lines also go, as they are written, to a
// syslog server over TLS or an HTTPS endpoint of the user's. Drains are app data (read: viewer,
// change: member); the URL may carry a token, so it is sealed and only ever shown redacted.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { rootCertificates } from "node:tls";
import type { LogDrainKind, LogDrainRow } from "@skypanel/db";
import { deleteLogDrain, insertLogDrain, isUuid, listLogDrains, withActor } from "@skypanel/db/queries";
import type { Actor } from "../../actor.ts";
import type { Apps } from "../../apps/index.ts";
import type { EngineDeps } from "../../deps.ts";
import { EngineError, ValidationError } from "../../errors.ts";
import type { EventBus } from "../../events/bus.ts";
import { DEFAULT_DELIVERY, type DeliveryOptions } from "./delivery.ts";
import { createDispatcher } from "./dispatcher.ts";
import { openDrainUrl, sealDrainUrl } from "./seal.ts";
import { checkDrainDestination, checkDrainUrl, redactDrainUrl } from "./url.ts";

export { DEFAULT_DELIVERY, type DeliveryOptions } from "./delivery.ts";
export { type DrainLine, ndjsonLine, octetCounted, syslogMessage } from "./format.ts";
export { resealLogDrains } from "./seal.ts";
export { checkDrainUrl, DRAIN_URL_RULE, MAX_DRAIN_URL, redactDrainUrl } from "./url.ts";

export const MAX_DRAINS_PER_APP = 10;

export interface DrainOptions {
  /** A PEM file of certificate authorities trusted besides Node's defaults ($SKYPANEL_DRAIN_CA_FILE). */
  caFile?: string | null;
  /** Queue, batch and retry bounds (defaults: DEFAULT_DELIVERY). */
  delivery?: Partial<DeliveryOptions>;
  /** Connecting, a write or a request taking longer fails and is retried (default 10 s). */
  timeoutMs?: number;
  /** How often delivery counts are written to the rows (default 2 s). */
  statsMs?: number;
}

/** A drain as the API shows it: never the URL's token. */
export interface LogDrain {
  id: string;
  appId: string;
  kind: LogDrainKind;
  /** Scheme, host and port; a user, password, path or query shows as `***`. */
  url: string;
  deliveredCount: number;
  deadLetterCount: number;
  droppedCount: number;
  lastError: string | null;
  lastErrorAt: Date | null;
  lastDeliveredAt: Date | null;
  /** Lines waiting to be sent now (0 when this server is not sending to it yet). */
  queued: number;
  createdAt: Date;
}

export class LogDrainNotFoundError extends EngineError {
  constructor(what: string) {
    super("NOT_FOUND", `This app has no log drain ${what}.`);
  }
}

export class LogDrainTakenError extends EngineError {
  constructor(url: string) {
    super("CONFLICT", `This app already drains to ${url}.`);
  }
}

/** Node's certificate authorities, and the operator's own from `caFile` (read once, at start). */
export function drainTrust(caFile: string | null | undefined): string[] {
  if (!caFile) return [...rootCertificates];
  let pem: string;
  try {
    pem = readFileSync(caFile, "utf8");
  } catch (err) {
    throw new Error(`The log drains' CA file ${caFile} cannot be read: ${(err as Error).message}`);
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error(`The log drains' CA file ${caFile} holds no PEM certificate.`);
  return [...rootCertificates, pem];
}

export function createDrains(deps: EngineDeps, apps: Apps, bus: EventBus, options: DrainOptions = {}) {
  const { db, keyring } = deps;
  const openUrl = (row: LogDrainRow) => openDrainUrl(keyring, row);
  const dispatcher = createDispatcher({
    db,
    bus,
    delivery: { ...DEFAULT_DELIVERY, ...options.delivery },
    sender: { ca: drainTrust(options.caFile), timeoutMs: options.timeoutMs ?? 10_000, hostname: hostname(), outbound: deps.outbound },
    openUrl,
    statsMs: options.statsMs,
    now: deps.now,
  });

  function publicDrain(row: LogDrainRow): LogDrain {
    const live = dispatcher.worker(row.appId, row.id);
    const p = live?.peekProgress();
    return {
      id: row.id,
      appId: row.appId,
      kind: row.kind,
      url: row.redactedUrl,
      deliveredCount: row.deliveredCount + (p?.delivered ?? 0),
      deadLetterCount: row.deadLetterCount + (p?.deadLettered ?? 0),
      droppedCount: row.droppedCount + (p?.dropped ?? 0),
      lastError: p?.lastError ?? row.lastError,
      lastErrorAt: p?.lastErrorAt ?? row.lastErrorAt,
      lastDeliveredAt: p?.lastDeliveredAt ?? row.lastDeliveredAt,
      queued: live?.queued() ?? 0,
      createdAt: row.createdAt,
    };
  }

  /** The app's drain with this URL (compared in the clear: each is sealed on its own). */
  function findByUrl(rows: LogDrainRow[], url: string): LogDrainRow | null {
    for (const row of rows) {
      try {
        if (openUrl(row) === url) return row;
      } catch {
        // Sealed under a key this server lacks: it cannot be this one's twin as far as we can tell.
      }
    }
    return null;
  }

  return {
    async list(actor: Actor, idOrName: string): Promise<LogDrain[]> {
      const { app } = await apps.resolve(actor, idOrName, "read", "viewing log drains");
      return (await listLogDrains(db, app.id)).map(publicDrain);
    },

    async add(actor: Actor, idOrName: string, url: unknown): Promise<LogDrain> {
      const { app } = await apps.resolve(actor, idOrName, "write", "adding log drains");
      const target = checkDrainUrl(url);
      const redacted = redactDrainUrl(target.url);
      await checkDrainDestination(deps.outbound, target, redacted);
      const existing = await listLogDrains(db, app.id);
      if (findByUrl(existing, target.url)) throw new LogDrainTakenError(redacted);
      if (existing.length >= MAX_DRAINS_PER_APP) throw new ValidationError(`An app has at most ${MAX_DRAINS_PER_APP} log drains.`);
      const id = randomUUID();
      const sealed = sealDrainUrl(keyring, id, target.url);
      const row = await withActor(db, actor, (tx) =>
        insertLogDrain(tx, {
          id,
          appId: app.id,
          kind: target.kind,
          url: sealed.ciphertext,
          urlNonce: sealed.nonce,
          urlKeyId: sealed.keyId,
          redactedUrl: redacted,
          createdBy: actor.userId,
        }),
      );
      dispatcher.invalidate(app.id);
      return publicDrain(row);
    },

    /** Removes a drain by its id or its URL (as `drains:remove` takes either). */
    async remove(actor: Actor, idOrName: string, idOrUrl: string): Promise<{ id: string; url: string }> {
      const { app } = await apps.resolve(actor, idOrName, "write", "removing log drains");
      let id: string | null = null;
      if (typeof idOrUrl === "string" && isUuid(idOrUrl)) id = idOrUrl;
      else {
        let target: ReturnType<typeof checkDrainUrl>;
        try {
          target = checkDrainUrl(idOrUrl);
        } catch {
          throw new LogDrainNotFoundError("with that id or URL");
        }
        id = findByUrl(await listLogDrains(db, app.id), target.url)?.id ?? null;
        if (!id) throw new LogDrainNotFoundError(`to ${redactDrainUrl(target.url)}`);
      }
      const removed = await withActor(db, actor, (tx) => deleteLogDrain(tx, app.id, id));
      if (!removed) throw new LogDrainNotFoundError(`"${id}"`);
      await dispatcher.forget(app.id, removed.id);
      return { id: removed.id, url: removed.redactedUrl };
    },

    /** Writes the delivery counts gathered so far to the rows (they are also written every few seconds). */
    saveProgress: () => dispatcher.saveProgress(),

    /** Whether this server holds an open syslog connection to the drain (null: HTTPS, or not sending yet). */
    connected: (appId: string, drainId: string) => dispatcher.worker(appId, drainId)?.connected() ?? null,

    /** Stops every drain; lines still waiting are counted as dropped. */
    stop: () => dispatcher.stop(),
  };
}

export type Drains = ReturnType<typeof createDrains>;
