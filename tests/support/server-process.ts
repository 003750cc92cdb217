// The production server (build/server.js) as a child process on a database file of the test's own,
// for suites that kill it (server-crash) or drive it from several client processes (http-concurrency).
import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "./http";

export { freePort };

export type ServerProcess = { child: ChildProcess; origin: string; port: number; stderr: () => string; kill: () => Promise<void> };

/** Starts the built server on `file` and waits until /healthz answers. */
export async function startServerProcess(file: string, options: { port?: number; env?: Record<string, string> } = {}): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ["build/server.js"], {
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: file, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "silent", ...options.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += String(chunk)));
  const origin = `http://127.0.0.1:${port}`;
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  };
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${origin}/healthz`)).ok) return { child, origin, port, stderr: () => stderr, kill };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await kill();
  throw new Error(`The server did not start: ${stderr.slice(0, 500)}`);
}

/** Signs in through the login form and returns the session cookie pair. */
export async function signInOver(origin: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${origin}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin },
    body: new URLSearchParams({ email, password }).toString(),
    redirect: "manual",
  });
  const cookie = response.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.includes("ef_session="));
  if (!cookie) throw new Error(`sign-in as ${email} answered ${response.status}`);
  return cookie;
}

/** A same-origin form POST with a session cookie, redirects not followed. */
export function postForm(origin: string, path: string, cookie: string, form: Record<string, string>): Promise<Response> {
  return fetch(origin + path, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin, Cookie: cookie },
    body: new URLSearchParams(form).toString(),
    redirect: "manual",
  });
}
