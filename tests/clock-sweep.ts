// The clock sweep (issue 17): runs the vitest suite and a small browser subset with the process
// clock set, by Debian's `faketime` (libfaketime), to instants where a local date and a UTC date
// disagree or a period, a year or a day's length changes in the organisation's zone
// (America/New_York, as in the demo seed and the test factories).
//
//   npm run test:clock-sweep                          every instant, vitest and the browser subset
//   npm run test:clock-sweep -- --only 0200utc        one instant (or a comma-separated list)
//   npm run test:clock-sweep -- --vitest-only         (or --e2e-only)
//   npm run test:clock-sweep -- --only 0200utc tests/unit/periods.test.ts   vitest file filters
//   npm run test:clock-sweep -- --list                the instants
//   --no-build                                        serve the existing build/ (otherwise built once first)
//
// How the clock is set (verified with faketime 0.9.10 on Debian 12):
// - `faketime -f '@YYYY-MM-DD HH:MM:SS' cmd` starts the clock at that time and lets it run. The
//   time is read in the process's TZ. Without the `@` the clock is frozen and Node's timers never
//   fire. Plain `faketime 'date' cmd` turns the date into a whole-second offset from now instead.
// - With `@`, every new process starts again at the instant. Vitest runs each test file in a fresh
//   fork, so every file (and its fresh temporary database) starts exactly at the instant: a
//   23:59 instant stays before midnight however long the suite takes. The price: a process that a
//   test spawns (db/jobs.ts, the HTTP server of tests/support/server-process.ts) starts at the
//   instant again, a few seconds behind the test that spawned it.
// - For the browser subset, the test runner, the seeding, the web server, the test workers and
//   Chromium must agree on the time, so FAKETIME_DONT_RESET=1 makes them share one running clock
//   that starts at the instant (the e2e database is seeded then, by the web server's command).
//   Chromium works with libfaketime preloaded (it inherits LD_PRELOAD), so the pages' own clock
//   agrees with the server's as well.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const ZONE = "America/New_York";
const OUT = join(ROOT, "tests/.tmp/clock-sweep");
// Fulfilment, proposals (and their approval holds), budget periods and a quarter's export.
const E2E_FILES = ["tests/e2e/fulfilment.e2e.ts", "tests/e2e/gestures.e2e.ts", "tests/e2e/budgets.e2e.ts", "tests/e2e/finance-reports.e2e.ts"];

type Instant = {
  name: string;
  why: string;
  /** Either a UTC instant, or a wall time in `ZONE` converted below (never a hand-computed offset). */
  utc?: string;
  local?: string;
  /** For a wall time that happens twice (the repeated hour when daylight saving ends). */
  fold?: "earlier" | "later";
  /** The process time zone; the app must not depend on it. */
  tz?: string;
};

export const INSTANTS: Instant[] = [
  { name: "0030utc", utc: "2027-02-10T00:30:00Z", why: "an ordinary Wednesday; New York is still on Tuesday evening" },
  { name: "0200utc", utc: "2027-02-10T02:00:00Z", why: "the CI instant: an ordinary weekday, 21:00 the evening before in New York" },
  { name: "0200utc-nytz", utc: "2027-02-10T02:00:00Z", tz: ZONE, why: "the same instant with the process itself in New York time" },
  { name: "0459utc", utc: "2027-02-10T04:59:00Z", why: "the last minute (in winter) in which the UTC date is a day ahead" },
  { name: "quarter-end", local: "2026-12-31 23:59:00", why: "the last minute of a quarter and of a year, local time" },
  { name: "quarter-start", local: "2027-01-01 00:01:00", why: "the first minute of the next quarter and year, local time" },
  { name: "dst-start", local: "2027-03-14 03:05:00", why: "just after the 02:00 jump to daylight time: a 23-hour day" },
  { name: "dst-end", local: "2027-11-07 01:30:00", fold: "later", why: "the repeated hour, second time round (standard time): a 25-hour day" },
  { name: "leap-day", local: "2028-02-29 21:00:00", why: "29 February in New York while UTC is already 1 March" },
];

// ---------------------------------------------------------------------------------------------
// Time zone arithmetic with Intl only: the offset of `zone` at an instant, and a wall time's instant.

function wallTime(instant: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}:${get("second")}`;
}

function offsetMs(instant: Date, zone: string): number {
  return Date.parse(`${wallTime(instant, zone).replace(" ", "T")}Z`) - instant.getTime();
}

/** The instant(s) at which `zone` shows `local`: none in a spring-forward gap, two in the repeated hour. */
export function zonedToUtc(local: string, zone: string, fold: "earlier" | "later" = "earlier"): Date {
  const asIfUtc = Date.parse(`${local.replace(" ", "T")}Z`);
  if (Number.isNaN(asIfUtc)) throw new Error(`Not a wall time: ${local}`);
  // Any offset in force within a day either side is a candidate; keep those that round-trip.
  const offsets = new Set([-36, -12, 0, 12, 36].map((h) => offsetMs(new Date(asIfUtc + h * 3_600_000), zone)));
  const matches = [...offsets]
    .map((offset) => asIfUtc - offset)
    .filter((at) => wallTime(new Date(at), zone) === local)
    .sort((a, b) => a - b);
  if (matches.length === 0) throw new Error(`${local} does not exist in ${zone} (a daylight-saving gap)`);
  return new Date(fold === "later" ? matches[matches.length - 1]! : matches[0]!);
}

function instantOf(instant: Instant): Date {
  if (instant.utc) return new Date(instant.utc);
  if (instant.local) return zonedToUtc(instant.local, ZONE, instant.fold);
  throw new Error(`${instant.name}: give utc or local`);
}

function zoneAbbreviation(at: Date, zone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "short" }).formatToParts(at).find((p) => p.type === "timeZoneName")!.value;
}

// ---------------------------------------------------------------------------------------------
// Running a command under faketime.

type Clock = { at: Date; tz: string; shared: boolean };

function faketimeEnv(clock: Clock): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: clock.tz };
  // A clock inherited from an outer faketime would win over ours (or confuse it).
  delete env.LD_PRELOAD;
  delete env.FAKETIME;
  delete env.FAKETIME_SHARED;
  delete env.FAKETIME_DONT_RESET;
  if (clock.shared) env.FAKETIME_DONT_RESET = "1";
  return env;
}

function faketimeArgs(clock: Clock, command: string[]): string[] {
  // libfaketime reads the `@` time in the process's own TZ, so write it in that zone.
  return ["-f", `@${wallTime(clock.at, clock.tz)}`, ...command];
}

function runUnderClock(clock: Clock, command: string[], extraEnv: Record<string, string> = {}, capture = false): SpawnSyncReturns<string> {
  return spawnSync("faketime", faketimeArgs(clock, command), {
    cwd: ROOT,
    env: { ...faketimeEnv(clock), ...extraEnv },
    stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
    encoding: "utf8",
  });
}

/** Asks a process under the clock what time it is: catches a wrong zone, a wrong fold or a missing faketime. */
function checkClock(clock: Clock): void {
  const probe = runUnderClock(clock, ["node", "-e", "console.log(Date.now())"], {}, true);
  if (probe.error || probe.status !== 0) {
    throw new Error(`faketime did not run (${probe.error?.message ?? probe.stderr.trim()}). Install it: apt-get install -y faketime`);
  }
  const seen = Number(probe.stdout.trim());
  if (!(Math.abs(seen - clock.at.getTime()) < 5_000)) {
    throw new Error(`faketime set the clock to ${new Date(seen).toISOString()}, not ${clock.at.toISOString()} (TZ=${clock.tz})`);
  }
}

// ---------------------------------------------------------------------------------------------
// The two phases, each reading its runner's JSON report for the counts and the failures.

type PhaseResult = { passed: number; failed: number; seconds: number; failures: string[]; error?: string };

/** The assertion's own words, what was expected and seen, and where: one line per failure. */
export function summarise(message: string | undefined): string {
  const lines = (message ?? "").replace(/\u001b\[[0-9;]*m/g, "").split("\n").map((l) => l.trim()).filter(Boolean);
  const detail = lines.filter((l) => /^(Expected|Received|- Expected|\+ Received|- unexpected value)/.test(l)).slice(0, 3);
  const where = lines.find((l) => /^at .*\/(tests|app|db)\/[^:]+:\d+:\d+/.test(l))?.replace(`${ROOT}/`, "");
  return [lines[0] ?? "", ...detail, ...(where ? [where] : [])].join(" | ").slice(0, 500);
}

function runVitest(clock: Clock, filters: string[]): PhaseResult {
  const report = join(OUT, "vitest.json");
  rmSync(report, { force: true });
  const started = Date.now();
  const run = runUnderClock(clock, ["node_modules/.bin/vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...filters]);
  const seconds = (Date.now() - started) / 1000;
  if (!existsSync(report)) return { passed: 0, failed: 0, seconds, failures: [], error: `vitest wrote no report (exit ${run.status ?? run.signal})` };
  type VitestReport = {
    numPassedTests: number;
    numFailedTests: number;
    testResults: { name: string; status: string; message?: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
  };
  const json = JSON.parse(readFileSync(report, "utf8")) as VitestReport;
  const failures: string[] = [];
  for (const file of json.testResults) {
    const relative = file.name.replace(`${ROOT}/`, "");
    const failed = file.assertionResults.filter((a) => a.status === "failed");
    for (const test of failed) failures.push(`${relative} › ${test.fullName}: ${summarise(test.failureMessages[0])}`);
    // A file that fails to load has no failed tests, only a message.
    if (file.status === "failed" && failed.length === 0) failures.push(`${relative}: ${summarise(file.message)}`);
  }
  const error = run.status !== 0 && failures.length === 0 ? `vitest exited ${run.status ?? run.signal}` : undefined;
  return { passed: json.numPassedTests, failed: Math.max(json.numFailedTests, failures.length), seconds, failures, error };
}

type PlaywrightSuite = {
  title: string;
  file?: string;
  specs?: { title: string; file: string; line: number; tests: { status: string; results: { error?: { message?: string; stack?: string } }[] }[] }[];
  suites?: PlaywrightSuite[];
};

function runE2e(clock: Clock): PhaseResult {
  const report = join(OUT, "e2e.json");
  rmSync(report, { force: true });
  const started = Date.now();
  const run = runUnderClock(clock, ["node_modules/.bin/playwright", "test", "--reporter=list,json", ...E2E_FILES], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
  const seconds = (Date.now() - started) / 1000;
  if (!existsSync(report)) return { passed: 0, failed: 0, seconds, failures: [], error: `playwright wrote no report (exit ${run.status ?? run.signal})` };
  const json = JSON.parse(readFileSync(report, "utf8")) as { suites: PlaywrightSuite[]; stats: { expected: number; unexpected: number; flaky: number }; errors: { message?: string }[] };
  const failures: string[] = [];
  const walk = (suite: PlaywrightSuite, path: string[]) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests) {
        if (test.status === "unexpected" || test.status === "flaky") {
          const error = test.results.find((r) => r.error)?.error;
          const message = error?.stack ?? error?.message;
          failures.push(`${spec.file}:${spec.line} › ${[...path, spec.title].join(" › ")}${test.status === "flaky" ? " (flaky)" : ""}: ${summarise(message)}`);
        }
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...path, child.title]);
  };
  for (const suite of json.suites) walk(suite, []);
  // Errors outside any test (the web server did not start, a file did not load).
  for (const error of json.errors) failures.push(`(outside a test): ${summarise(error.message)}`);
  const failed = json.stats.unexpected + json.stats.flaky + json.errors.length;
  const error = run.status !== 0 && failures.length === 0 ? `playwright exited ${run.status ?? run.signal}` : undefined;
  return { passed: json.stats.expected, failed, seconds, failures, error };
}

// ---------------------------------------------------------------------------------------------

function parseArgs(argv: string[]) {
  const options = { only: [] as string[], vitest: true, e2e: true, build: true, list: false, filters: [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--only") options.only.push(...(argv[++i] ?? "").split(",").filter(Boolean));
    else if (arg.startsWith("--only=")) options.only.push(...arg.slice(7).split(",").filter(Boolean));
    else if (arg === "--vitest-only") options.e2e = false;
    else if (arg === "--e2e-only") options.vitest = false;
    else if (arg === "--no-build") options.build = false;
    else if (arg === "--list") options.list = true;
    else if (arg.startsWith("--")) throw new Error(`Unknown option ${arg}. Options: --only NAME[,NAME], --vitest-only, --e2e-only, --no-build, --list, then vitest file filters.`);
    else options.filters.push(arg);
  }
  if (!options.vitest && !options.e2e) throw new Error("--vitest-only and --e2e-only together run nothing.");
  return options;
}

function labels(instant: Instant) {
  const at = instantOf(instant);
  return {
    utc: `${at.toISOString().slice(0, 16).replace("T", " ")}Z`,
    local: `${wallTime(at, ZONE).slice(0, 16)} ${zoneAbbreviation(at, ZONE)}`,
    tz: instant.tz ?? "UTC",
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd();
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

function main(): number {
  const options = parseArgs(process.argv.slice(2));
  if (options.list) {
    console.log(table([["name", "UTC", `local (${ZONE})`, "TZ", "why"], ...INSTANTS.map((i) => { const d = labels(i); return [i.name, d.utc, d.local, d.tz, i.why]; })]));
    return 0;
  }
  const unknown = options.only.filter((name) => !INSTANTS.some((i) => i.name === name));
  if (unknown.length > 0) throw new Error(`No instant named ${unknown.join(", ")}. Known: ${INSTANTS.map((i) => i.name).join(", ")}`);
  const chosen = options.only.length > 0 ? INSTANTS.filter((i) => options.only.includes(i.name)) : INSTANTS;
  mkdirSync(OUT, { recursive: true });

  // Built once, on the real clock: the vitest HTTP tests and the browser subset both serve build/,
  // and the sweep is about the running app, not the build.
  const steps = [...(options.e2e ? [["node_modules/.bin/tsx", "tests/support/ensure-chromium.ts"]] : []), ...(options.build ? [["npm", "run", "build"]] : [])];
  for (const [command, ...args] of steps) {
    const result = spawnSync(command!, args, { cwd: ROOT, stdio: "inherit" });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed`);
  }

  const results: { instant: Instant; vitest?: PhaseResult; e2e?: PhaseResult }[] = [];
  for (const instant of chosen) {
    const at = instantOf(instant);
    const d = labels(instant);
    const result: (typeof results)[number] = { instant };
    results.push(result);
    console.log(`\n==== clock sweep: ${instant.name} — ${d.utc} = ${d.local}, TZ=${d.tz}: ${instant.why}`);
    if (options.vitest) {
      const clock = { at, tz: d.tz, shared: false };
      checkClock(clock);
      console.log(`==== ${instant.name}: vitest under faketime ${faketimeArgs(clock, []).join(" ")}`);
      result.vitest = runVitest(clock, options.filters);
    }
    if (options.e2e) {
      const clock = { at, tz: d.tz, shared: true };
      checkClock(clock);
      console.log(`==== ${instant.name}: browser subset under FAKETIME_DONT_RESET=1 faketime ${faketimeArgs(clock, []).join(" ")}`);
      result.e2e = runE2e(clock);
    }
  }

  const cell = (phase?: PhaseResult) => (phase ? `${phase.passed} passed / ${phase.failed} failed${phase.error ? " (!)" : ""}` : "-");
  const seconds = (phase?: PhaseResult) => (phase ? phase.seconds.toFixed(0) : "-");
  let failed = false;
  console.log("\n==== clock sweep: failures");
  for (const { instant, vitest, e2e } of results) {
    for (const [phase, r] of [["vitest", vitest], ["e2e", e2e]] as const) {
      if (!r || (r.failed === 0 && !r.error)) continue;
      failed = true;
      console.log(`\n[${instant.name}] ${phase}:`);
      if (r.error) console.log(`  ${r.error}`);
      for (const f of r.failures) console.log(`  ✗ ${f}`);
    }
  }
  if (!failed) console.log("none");
  console.log("\n==== clock sweep: summary");
  console.log(
    table([
      ["instant", "UTC", `local (${ZONE})`, "TZ", "vitest", "e2e subset", "vitest s", "e2e s"],
      ...results.map(({ instant, vitest, e2e }) => {
        const d = labels(instant);
        return [instant.name, d.utc, d.local, d.tz, cell(vitest), cell(e2e), seconds(vitest), seconds(e2e)];
      }),
    ]),
  );
  console.log(failed ? "\nclock sweep: FAILED (see the failures above)" : "\nclock sweep: all passed");
  // The plain closing line CI reads: every test of every phase at every instant.
  const phases = results.flatMap(({ vitest, e2e }) => [vitest, e2e]).filter((r): r is PhaseResult => r !== undefined);
  const total = (key: "passed" | "failed") => phases.reduce((sum, r) => sum + r[key], 0);
  console.log(`sweep: ${total("passed")} passed, ${total("failed")} failed`);
  return failed ? 1 : 0;
}

// Run as a script; imported (by its unit test), only the time zone arithmetic is used.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    process.exitCode = main();
  } catch (error) {
    console.error(`clock sweep: ${(error as Error).message}`);
    process.exitCode = 2;
  }
}
