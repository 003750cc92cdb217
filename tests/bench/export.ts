// `npm run bench:export`: streams finance's CSV exports from the production build on the scale
// database (data/scale.sqlite, `npm run seed:scale`) and reports rows per second and the server's
// peak memory (VmHWM from /proc/<pid>/status), which stays flat if the export really streams.
// Also times one visit of the flags and fairness pages on a whole quarter. The download is done by
// curl, so the client's memory is not the server's.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DEMO_PASSWORD } from "../../db/demo-password";
import { localDate } from "../../app/domain/core/dates";

const DATABASE = resolve(process.env.BENCH_LARGE_DB ?? "data/scale.sqlite");
const PORT = Number(process.env.BENCH_EXPORT_PORT ?? process.env.E2E_PORT ?? 3950);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const FROM = process.env.BENCH_EXPORT_FROM ?? "2024-01-01";
const TO = process.env.BENCH_EXPORT_TO ?? localDate(new Date(), "America/New_York");

function memory(pid: number): { rssKb: number; hwmKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rssKb: field("VmRSS"), hwmKb: field("VmHWM") };
}

async function startServer(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["build/server.js"], {
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: DATABASE, PORT: String(PORT), HOST: "127.0.0.1", SESSION_SECRET: "bench-only-secret-0123456789-abcdefghijklmnop", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${ORIGIN}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error("The server did not start within 30 s.");
}

async function signIn(email: string): Promise<string> {
  const response = await fetch(`${ORIGIN}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
    body: new URLSearchParams({ email, password: DEMO_PASSWORD }).toString(),
    redirect: "manual",
  });
  const cookie = response.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.includes("ef_session="));
  if (!cookie) throw new Error(`Could not sign in as ${email} (status ${response.status}).`);
  return cookie;
}

function download(path: string, cookie: string) {
  const started = process.hrtime.bigint();
  // curl writes the body to stdout, piped through wc -l: the lines are the rows plus the header.
  const result = spawnSync("sh", ["-c", `curl -sS --fail -H 'Cookie: ${cookie}' '${ORIGIN}${path}' | wc -l`], { encoding: "utf8", maxBuffer: 1024 * 1024 });
  if (result.status !== 0) throw new Error(`Download failed: ${result.stderr}`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rows = Number(result.stdout.trim()) - 1;
  return { rows, seconds, rowsPerSecond: Math.round(rows / seconds) };
}

async function timePage(path: string, cookie: string) {
  const started = process.hrtime.bigint();
  try {
    // A new connection: a kept-alive one from before the long downloads has been closed by the server.
    const response = await fetch(`${ORIGIN}${path}`, { headers: { cookie, connection: "close" } });
    await response.text();
    return { path, status: response.status, ms: Math.round(Number(process.hrtime.bigint() - started) / 1e6) };
  } catch (error) {
    return { path, error: String((error as Error).cause ?? error) };
  }
}

async function main() {
  if (!existsSync(DATABASE)) throw new Error(`${DATABASE} does not exist: run npm run seed:scale first.`);
  if (!existsSync("build/server.js")) throw new Error("Build first: npm run build.");
  const server = await startServer();
  try {
    const cookie = await signIn("finance1@scale.example.com");
    const before = memory(server.pid!);
    const results: Record<string, unknown> = { database: DATABASE, period: `${FROM} to ${TO}`, memoryBeforeKb: before };
    for (const kind of ["gestures", "ledger"] as const) {
      const figures = download(`/finance/export/${kind}?from=${FROM}&to=${TO}`, cookie);
      results[kind] = { ...figures, memoryAfterKb: memory(server.pid!) };
      console.log(kind, JSON.stringify(results[kind]));
    }
    const quarter = `${TO.slice(0, 4)}-Q${Math.floor((Number(TO.slice(5, 7)) - 1) / 3) + 1}`;
    results.pages = [await timePage(`/finance/flags?quarter=${quarter}&status=all`, cookie), await timePage(`/finance/fairness`, cookie)];
    console.log(JSON.stringify(results, null, 2));
  } finally {
    server.kill("SIGTERM");
  }
}

await main();
