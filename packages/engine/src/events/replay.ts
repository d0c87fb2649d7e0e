/**
 * The last `capacity` items, each under a sequence number one above the one before, so a reader
 * that saw up to sequence S can be given exactly what came after it, or be told it is too late.
 */
export function createReplayBuffer<T>(capacity: number) {
  const ring: T[] = new Array(capacity);
  let last = 0;
  return {
    /** Keeps `item` (forgetting the oldest when full) and returns its sequence number. */
    push(item: T): number {
      last += 1;
      ring[last % capacity] = item;
      return last;
    },
    /** The newest sequence number; 0 before the first item. */
    get last() {
      return last;
    },
    /**
     * The items after `seq`, oldest first; null when some of them are no longer kept, or when
     * `seq` was never handed out.
     */
    after(seq: number): { seq: number; item: T }[] | null {
      if (!Number.isSafeInteger(seq) || seq < 0 || seq > last) return null;
      if (seq < last - capacity) return null;
      const items: { seq: number; item: T }[] = [];
      for (let s = seq + 1; s <= last; s++) items.push({ seq: s, item: ring[s % capacity] as T });
      return items;
    },
  };
}

export type ReplayBuffer<T> = ReturnType<typeof createReplayBuffer<T>>;
