// The app's notion of "now". Domain functions take `now` as an argument; routes read it here.
// Tests pass their own clock to domain functions (tests/support/clock.ts).
export function now(): Date {
  return new Date();
}
