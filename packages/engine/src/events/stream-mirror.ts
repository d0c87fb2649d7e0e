/**
 * The last `capacity` entries of a Redis stream as this process read them, so `after(id)` can be
 * answered without a round trip (and synchronously, like the in-memory bus): every entry with an
 * id above `floor` is here, in order.
 */
export function createStreamMirror<T>(capacity: number) {
  const entries: { id: string; item: T }[] = [];
  // Everything after this id is kept; "0-0" while nothing has been forgotten.
  let floor = "0-0";
  return {
    /** Starts from a stream's newest entries (oldest first); `complete`: they are the whole stream. */
    load(items: { id: string; item: T }[], complete: boolean) {
      const kept = items.slice(-capacity);
      // Incomplete: the entry before the kept ones (or the oldest kept) is where knowledge starts.
      floor = complete ? "0-0" : (items.at(-capacity - 1)?.id ?? kept.shift()?.id ?? "0-0");
      entries.splice(0, entries.length, ...kept);
    },
    push(id: string, item: T) {
      entries.push({ id, item });
      if (entries.length > capacity) floor = entries.shift()?.id ?? floor;
    },
    /** The newest id read; reading `after(head())` later misses nothing. */
    head: () => entries.at(-1)?.id ?? floor,
    /**
     * The entries after `id`, oldest first; null when that is not known here: not a stream id,
     * forgotten already, newer than anything read yet, or never handed out.
     */
    after(id: string): { id: string; item: T }[] | null {
      if (!STREAM_ID.test(id)) return null;
      if (compareIds(id, floor) < 0 || compareIds(id, this.head()) > 0) return null;
      if (id === floor) return [...entries];
      const at = entries.findIndex((e) => e.id === id);
      return at < 0 ? null : entries.slice(at + 1);
    },
  };
}

const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

/** Orders two Redis stream ids ("<ms>-<seq>"). */
export function compareIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split("-").map(BigInt);
  const [bm = 0n, bs = 0n] = b.split("-").map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}
