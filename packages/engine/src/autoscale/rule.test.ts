// The autoscaler's rule alone: numbers in, numbers out, the clock passed in.
import { describe, expect, it } from "vitest";
import { decide, type RuleInput, rawRecommendation, scaleUpLimit } from "./rule.ts";
import { boundsAt, scheduleActive } from "./schedules.ts";

const base: RuleInput = {
  now: 1_000_000,
  current: 2,
  value: 50,
  target: 50,
  bounds: { min: 1, max: 10 },
  stabilizationMs: 300_000,
  recommendations: [],
  scaleUps: [],
};

describe("the autoscaler's rule (HPA's algorithm)", () => {
  it("changes nothing inside the 10 % tolerance band, and acts just outside it", () => {
    expect(decide({ ...base, value: 55 })).toMatchObject({ kind: "steady", desired: 2, limitedBy: "tolerance" });
    expect(decide({ ...base, value: 45 })).toMatchObject({ kind: "steady", desired: 2 });
    expect(decide({ ...base, value: 56 })).toMatchObject({ kind: "scale_up", desired: 3 });
    expect(rawRecommendation(3, 60, 50)).toBe(4); // 3 × 1.2 = 3.6 → 4, no float noise
    expect(rawRecommendation(5, 60, 50)).toBe(6);
  });

  it("scales up at once to ceil(current × value / target)", () => {
    expect(decide({ ...base, value: 100 })).toMatchObject({ kind: "scale_up", desired: 4, raw: 4, limitedBy: null });
  });

  it("scales up at most double or +4 per 15 s, whichever allows more", () => {
    expect(scaleUpLimit(1, [], 0)).toBe(5);
    expect(scaleUpLimit(6, [], 0)).toBe(12);
    const first = decide({ ...base, current: 1, value: 1000, bounds: { min: 1, max: 100 } });
    expect(first).toMatchObject({ kind: "scale_up", desired: 5, raw: 20, limitedBy: "rate" });
    // 5 s later, still in the period that began at 1: no further step past 5.
    const second = decide({
      ...base,
      now: base.now + 5_000,
      current: 5,
      value: 1000,
      bounds: { min: 1, max: 100 },
      scaleUps: first.scaleUps,
    });
    expect(second).toMatchObject({ kind: "steady", desired: 5 });
    // 15 s after the first step a new period begins at 5: up to 10.
    const third = decide({
      ...base,
      now: base.now + 15_000,
      current: 5,
      value: 1000,
      bounds: { min: 1, max: 100 },
      scaleUps: second.scaleUps,
    });
    expect(third).toMatchObject({ kind: "scale_up", desired: 10, limitedBy: "rate" });
  });

  it("scales down only to the highest recommendation over the stabilization window", () => {
    let out = decide({ ...base, current: 4, value: 50 }); // raw 4
    out = decide({ ...base, now: base.now + 60_000, current: 4, value: 25, recommendations: out.recommendations }); // raw 2
    expect(out).toMatchObject({ kind: "steady", desired: 4, raw: 2, limitedBy: "stabilization" });
    out = decide({ ...base, now: base.now + 200_000, current: 4, value: 37.5, recommendations: out.recommendations }); // raw 3
    expect(out).toMatchObject({ kind: "steady", desired: 4 });
    // The raw 4 at t0 leaves the 300 s window: the highest left is 3.
    out = decide({ ...base, now: base.now + 300_000, current: 4, value: 25, recommendations: out.recommendations });
    expect(out).toMatchObject({ kind: "scale_down", desired: 3, limitedBy: "stabilization" });
    // Once the 3 at t+200 s has left too, down to 2.
    out = decide({ ...base, now: base.now + 500_001, current: 3, value: 100 / 3 / 1.5, recommendations: out.recommendations });
    expect(out).toMatchObject({ kind: "scale_down", desired: 2 });
  });

  it("with a short window (10 s) scales down 10 s after the load ends", () => {
    const w = { ...base, stabilizationMs: 10_000, bounds: { min: 1, max: 5 } };
    let out = decide({ ...w, current: 4, value: 50 });
    out = decide({ ...w, now: w.now + 5_000, current: 4, value: 0, recommendations: out.recommendations });
    expect(out).toMatchObject({ kind: "steady", desired: 4 });
    out = decide({ ...w, now: w.now + 10_000, current: 4, value: 0, recommendations: out.recommendations });
    expect(out).toMatchObject({ kind: "scale_down", desired: 1, limitedBy: "min" });
  });

  it("clamps to the bounds: at the maximum it says so; below the minimum it comes up", () => {
    expect(decide({ ...base, current: 8, value: 100 })).toMatchObject({ kind: "scale_up", desired: 10, limitedBy: "max" });
    expect(decide({ ...base, current: 10, value: 100 })).toMatchObject({ kind: "at_max", desired: 10, raw: 20 });
    expect(decide({ ...base, current: 0, value: 0, bounds: { min: 2, max: 4 } })).toMatchObject({
      kind: "scale_up",
      desired: 2,
      limitedBy: "min",
    });
    expect(decide({ ...base, current: 6, value: 50, bounds: { min: 1, max: 3 } })).toMatchObject({ kind: "scale_down", desired: 3 });
  });
});

describe("schedules in a time zone", () => {
  // Weekdays 09:00 in Berlin (UTC+1 in December), for 8 hours.
  const office = { cron: "0 9 * * 1-5", timeZone: "Europe/Berlin", durationSeconds: 8 * 3600, minInstances: 4, maxInstances: null };
  const policy = { minInstances: 1, maxInstances: 6, schedules: [office] };

  it("opens at the firing in its own zone and closes after its window", () => {
    expect(scheduleActive(office, new Date("2026-12-07T07:59:59Z"))).toBe(false); // Monday 08:59:59 Berlin
    expect(scheduleActive(office, new Date("2026-12-07T08:00:00Z"))).toBe(true); // 09:00 Berlin
    expect(scheduleActive(office, new Date("2026-12-07T15:59:59Z"))).toBe(true);
    expect(scheduleActive(office, new Date("2026-12-07T16:00:00Z"))).toBe(false); // 17:00 Berlin
    expect(scheduleActive(office, new Date("2026-12-06T08:30:00Z"))).toBe(false); // Sunday
    // The same wall-clock time in New York is five hours later in UTC.
    expect(scheduleActive({ ...office, timeZone: "America/New_York" }, new Date("2026-12-07T08:30:00Z"))).toBe(false);
    expect(scheduleActive({ ...office, timeZone: "America/New_York" }, new Date("2026-12-07T14:30:00Z"))).toBe(true);
  });

  it("overrides the bounds inside the window (highest of overlapping ones), the policy's outside", () => {
    expect(boundsAt(policy, new Date("2026-12-07T09:00:00Z"))).toEqual({ min: 4, max: 6, active: [0] });
    expect(boundsAt(policy, new Date("2026-12-07T20:00:00Z"))).toEqual({ min: 1, max: 6, active: [] });
    const surge = { cron: "0 12 * * *", timeZone: "Europe/Berlin", durationSeconds: 3600, minInstances: 2, maxInstances: 12 };
    expect(boundsAt({ ...policy, schedules: [office, surge] }, new Date("2026-12-07T11:30:00Z"))).toEqual({
      min: 4,
      max: 12,
      active: [0, 1],
    });
    // A minimum above the policy's maximum lifts the maximum with it.
    expect(boundsAt({ ...policy, schedules: [{ ...office, minInstances: 8 }] }, new Date("2026-12-07T09:00:00Z"))).toMatchObject({
      min: 8,
      max: 8,
    });
  });

  it("the rule holds a scheduled minimum even when the metric asks for less", () => {
    const bounds = boundsAt(policy, new Date("2026-12-07T09:00:00Z"));
    expect(decide({ ...base, current: 1, value: 1, bounds })).toMatchObject({ kind: "scale_up", desired: 4, limitedBy: "min" });
  });
});
