// `npm run bench`: the main pages and actions under load, against the framework's own ceiling.
//
// Builds the app (the npm script does), then for each database — the demo seed (small) and the
// bank-scale one from `npm run seed:scale` (large; built first when missing) — makes a working copy
// through the backup API, starts the production server on it, signs in as each role and drives every
// target with autocannon on loopback (BENCH_CONNECTIONS, 10 by default; a warm-up, then
// BENCH_DURATION seconds). `/healthz`, a trivial route of the same server in the same run, is the
// baseline of every ratio. Prints a table and writes the figures as JSON (BENCH_OUT, default
// data/bench/latest.json). Targets are reported, not asserted: these machines are shared and noisy.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { verifiedCopy } from "../../db/backup-restore";
import { DEMO_PASSWORD } from "../../db/demo-password";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const LARGE = resolve(process.env.BENCH_LARGE_DB ?? "data/scale.sqlite");
const OUT = resolve(process.env.BENCH_OUT ?? "data/bench/latest.json");
const ONLY = process.env.BENCH_ONLY?.split(",");
const PORT_BASE = Number(process.env.BENCH_PORT ?? 3900);
const TSX = "node_modules/.bin/tsx";

type Who = "staff" | "manager" | "finance" | "anonymous";
type Target = { name: string; who: Who; path: string; method?: "GET" | "POST"; kind: "read" | "write" };
type Figures = { rps: number; p50: number; p99: number; ok: number; other: number; errors: number };
type DatabaseRun = { label: "small" | "large"; file: string; results: Record<string, Figures>; baseline: Figures };

/** The accounts and ids a target needs, read from the database before the server starts. */
function discover(file: string, label: "small" | "large") {
  const db = new Database(file, { readonly: true });
  const email = (role: string) => {
    const preferred = label === "small" ? { staff: "staff.north@example.com", manager: "manager.north@example.com", finance: "finance@example.com" }[role] : `${role === "finance" ? "finance1" : `${role}1.b001`}@scale.example.com`;
    return (db.prepare("select email from users where email = ? and active = 1").get(preferred) as { email: string } | undefined)?.email ?? preferred!;
  };
  const staffEmail = email("staff");
  const branchId = (db.prepare("select branch_id as b from users where email = ?").get(staffEmail) as { b: number }).b;
  const customer = db.prepare("select c.id from customers c where c.branch_id = ? and c.erased_at is null and exists (select 1 from signals s where s.customer_id = c.id) order by c.id limit 1").get(branchId) as { id: number };
  const surname = (db.prepare("select surname_key as s from customers where id = ?").get(customer.id) as { s: string }).s;
  const pool = db.prepare("select p.id from budget_pools p join budget_periods bp on bp.id = p.period_id where p.branch_id = ? and bp.status = 'open' order by p.id desc limit 1").get(branchId) as { id: number };
  const emails = { staff: staffEmail, manager: email("manager"), finance: email("finance") };
  db.close();
  return { emails, customerId: customer.id, surnamePrefix: surname.slice(0, 3), poolId: pool.id };
}

function targets(ids: ReturnType<typeof discover>): Target[] {
  const all: Target[] = [
    { name: "sign-in page", who: "anonymous", path: "/login", kind: "read" },
    { name: "staff home (my branch)", who: "staff", path: "/branch", kind: "read" },
    { name: "suggestions queue", who: "staff", path: "/suggestions", kind: "read" },
    { name: "customer search", who: "staff", path: `/customers?q=${encodeURIComponent(ids.surnamePrefix)}`, kind: "read" },
    { name: "customer page", who: "staff", path: `/customers/${ids.customerId}`, kind: "read" },
    { name: "pool page with its ledger", who: "manager", path: `/pools/${ids.poolId}`, kind: "read" },
    { name: "budgets overview (finance)", who: "finance", path: "/pools", kind: "read" },
  ];
  return ONLY ? all.filter((t) => ONLY.some((o) => t.name.includes(o))) : all;
}

async function startServer(file: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["build/server.js"], {
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: file, PORT: String(port), HOST: "127.0.0.1", SESSION_SECRET: "bench-only-secret-0123456789-abcdefghijklmnop", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error("The server did not start within 20 s.");
}

async function signIn(origin: string, email: string): Promise<string> {
  const response = await fetch(`${origin}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin },
    body: new URLSearchParams({ email, password: DEMO_PASSWORD }).toString(),
    redirect: "manual",
  });
  const cookie = response.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.includes("ef_session="));
  if (!cookie) throw new Error(`Could not sign in as ${email} (status ${response.status}).`);
  return cookie;
}

async function load(url: string, headers: Record<string, string>, seconds: number): Promise<Figures> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    other: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function measure(label: "small" | "large", source: string, port: number): Promise<DatabaseRun> {
  const dir = mkdtempSync(join(tmpdir(), "empathy-fund-bench-"));
  const file = join(dir, `${label}.sqlite`);
  const copy = await verifiedCopy(source, file);
  if (!copy.report.ok) throw new Error(`The ${label} database failed its checks.`);
  const ids = discover(file, label);
  const server = await startServer(file, port);
  const origin = `http://127.0.0.1:${port}`;
  try {
    const cookies: Record<Who, string> = {
      anonymous: "",
      staff: await signIn(origin, ids.emails.staff),
      manager: await signIn(origin, ids.emails.manager),
      finance: await signIn(origin, ids.emails.finance),
    };
    const run = async (target: Pick<Target, "path" | "who">) => {
      const headers: Record<string, string> = cookies[target.who] ? { cookie: cookies[target.who] } : {};
      await load(origin + target.path, headers, WARMUP);
      return load(origin + target.path, headers, DURATION);
    };
    const baseline = await run({ path: "/healthz", who: "anonymous" });
    const results: Record<string, Figures> = {};
    for (const target of targets(ids)) {
      results[target.name] = await run(target);
      const r = results[target.name]!;
      process.stderr.write(`  ${label}: ${target.name}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99} ms, ${r.other} non-2xx, ${r.errors} errors\n`);
    }
    return { label, file: source, results, baseline };
  } finally {
    server.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

function smallDatabase(): string {
  const file = join(mkdtempSync(join(tmpdir(), "empathy-fund-bench-demo-")), "demo.sqlite");
  const seeded = spawnSync(TSX, ["db/seed.ts"], { env: { ...process.env, DATABASE_URL: file }, encoding: "utf8" });
  if (seeded.status !== 0) throw new Error(`Seeding the demo database failed: ${seeded.stderr}`);
  return file;
}

async function main() {
  if (!existsSync("build/server.js")) throw new Error("Run `npm run build` first (`npm run bench` does).");
  if (!existsSync(LARGE)) {
    console.error(`${LARGE} is missing; building it with npm run seed:scale (several minutes)…`);
    const built = spawnSync(TSX, ["db/seed-scale.ts", "--to", LARGE], { stdio: "inherit" });
    if (built.status !== 0) process.exit(1);
  }
  const small = await measure("small", smallDatabase(), PORT_BASE);
  const large = await measure("large", LARGE, PORT_BASE + 1);

  const rows = Object.keys(large.results).map((name) => {
    const l = large.results[name]!;
    const s = small.results[name];
    return {
      target: name,
      rps: Math.round(l.rps),
      p50: l.p50,
      p99: l.p99,
      ratioToBaseline: +(l.rps / large.baseline.rps).toFixed(2),
      largeOverSmall: s ? +(s.rps / l.rps).toFixed(2) : null,
      non2xx: l.other,
      errors: l.errors,
    };
  });
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`;
  console.log(`\nBaseline /healthz on the large database: ${Math.round(large.baseline.rps)} req/s, p99 ${large.baseline.p99} ms (${CONNECTIONS} connections, ${DURATION} s per target). ${machine}.`);
  console.log("Ratio: throughput ÷ baseline. Large ÷ small: how many times slower the page is on the bank-scale database.\n");
  console.log("| target | req/s | p50 ms | p99 ms | ÷ baseline | large ÷ small | non-2xx |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.target} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.ratioToBaseline} | ${r.largeOverSmall ?? "–"} | ${r.non2xx + r.errors} |`);
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify({ at: new Date().toISOString(), machine, connections: CONNECTIONS, durationSeconds: DURATION, baseline: { small: small.baseline, large: large.baseline }, rows, small: small.results, large: large.results }, null, 2)}\n`);
  console.log(`\nWrote ${OUT}.`);
}

await main();
