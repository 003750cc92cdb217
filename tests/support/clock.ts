// A controllable clock: domain functions take `now`, tests move it.
export type TestClock = { now: () => Date; advance: (ms: number) => Date; set: (date: Date | string) => Date };

export const MINUTE = 60 * 1000;
export const HOUR = 60 * MINUTE;

export function createClock(start: Date | string = "2026-03-02T09:00:00Z"): TestClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => new Date((current += ms)),
    set: (date) => new Date((current = new Date(date).getTime())),
  };
}
