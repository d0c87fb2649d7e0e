/** Restart delays: 1 s, 2 s, 4 s … capped at 30 s. */
export function restartDelayMs(consecutiveFailures: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, consecutiveFailures - 1));
}

/** Crash loop: this many exits within the window and the supervisor stops restarting. */
export const CRASH_LOOP = { exits: 5, windowMs: 60_000 };

export function isCrashLoop(exitTimes: number[], now: number): boolean {
  return exitTimes.filter((t) => now - t <= CRASH_LOOP.windowMs).length >= CRASH_LOOP.exits;
}
