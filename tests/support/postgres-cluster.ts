// A throwaway PostgreSQL cluster for tests and CI (issue 20): initdb into a temporary folder, a
// server on 127.0.0.1 at a free port (fsync off: nothing here must survive a crash), databases
// created on demand, and stop-and-remove at the end. PostgreSQL refuses to run as root, so when we
// are root (CI, these machines) every server command runs as the `postgres` user through runuser.
// Debian's PostgreSQL lives in /usr/lib/postgresql/<major>/bin (15 here; the newest installed is
// taken, so a machine where apt brought another major works too); PG_BIN overrides.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export const PG_BIN = process.env.PG_BIN ?? debianPostgresBin();

function debianPostgresBin(): string {
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, "bin", "initdb"))) : [];
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0] ?? "15";
  return join(root, newest, "bin");
}

export interface PostgresCluster {
  /** The folder holding the data directory, the socket and the log. */
  dir: string;
  host: string;
  port: number;
  /** A connection URL for a database of this cluster (the superuser `postgres`, trust auth on 127.0.0.1). */
  url(database?: string): string;
  /** Creates an empty database (optionally from a template) and returns its URL. */
  createDatabase(name: string, options?: { template?: string; icuLocale?: string }): Promise<string>;
  /** Stops the server and removes the folder. Safe to call twice. */
  stop(): void;
}

/** Whether this machine can start a cluster (the binaries exist). Tests gate on it through configuration. */
export function postgresAvailable(): boolean {
  return existsSync(join(PG_BIN, "initdb")) && existsSync(join(PG_BIN, "pg_ctl"));
}

function asServerUser(command: string, args: string[]): string[] {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  return isRoot ? ["runuser", "-u", "postgres", "--", join(PG_BIN, command), ...args] : [join(PG_BIN, command), ...args];
}

function run(command: string, args: string[]) {
  const [file = "", ...rest] = asServerUser(command, args);
  return execFileSync(file, rest, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
}

/** A port nobody listens on now (the kernel's choice for port 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** initdb + pg_ctl start; resolves when the server accepts connections. */
export async function startPostgresCluster(options: { port?: number; dir?: string; keepAfterExit?: boolean } = {}): Promise<PostgresCluster> {
  if (!postgresAvailable()) throw new Error(`PostgreSQL binaries not found in ${PG_BIN} (apt-get install -y postgresql, or set PG_BIN)`);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "empathy-pg-"));
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  const host = "127.0.0.1";
  const port = options.port ?? (await freePort());
  let started = false;
  const stop = () => {
    process.removeListener("exit", stop);
    if (started) stopPostgresCluster(dir);
    else rmSync(dir, { recursive: true, force: true });
    started = false;
  };
  try {
    run("initdb", ["-D", data, "--locale=C.UTF-8", "--encoding=UTF8", "-A", "trust", "-U", "postgres", "--no-sync"]);
    run("pg_ctl", ["-D", data, "-o", `-k ${dir} -h ${host} -p ${port} -F -c max_connections=100`, "-l", join(dir, "log"), "-w", "-t", "60", "start"]);
    started = true;
    // A test run that ends without calling stop() (a crash, a timeout) leaves no server behind.
    // (`npm run pg:up` keeps it: the cluster must outlive that command.)
    if (!options.keepAfterExit) process.once("exit", stop);
  } catch (error) {
    stop();
    throw error;
  }
  const url = (database = "postgres") => `postgres://postgres@${host}:${port}/${database}`;
  return {
    dir,
    host,
    port,
    url,
    async createDatabase(name, createOptions = {}) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${name}`);
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        // icuLocale: a database whose default collation is a language's (as on most managed services), not byte order.
        const template = createOptions.icuLocale
          ? ` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${createOptions.icuLocale.replace(/[^A-Za-z0-9_-]/g, "")}'`
          : createOptions.template
            ? ` TEMPLATE "${createOptions.template}"`
            : "";
        await client.query(`CREATE DATABASE "${name}"${template}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop,
  };
}

/** Stops the server of a cluster folder made by startPostgresCluster and removes the folder. */
export function stopPostgresCluster(dir: string) {
  const data = join(dir, "data");
  if (existsSync(join(data, "postmaster.pid"))) {
    try {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    } catch {
      // already stopped
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
