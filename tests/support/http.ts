// Real HTTP against the real production build: the Express layer from app/server/http.ts serving
// build/index.js on a random loopback port. `npm test` builds before vitest runs.
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { pino } from "pino";
import { createHttpApp } from "../../app/server/http";

export type TestServer = {
  origin: string;
  build: ServerBuild;
  logLines: () => Record<string, unknown>[];
  fetch: (path: string, init?: RequestInit & { cookie?: string; form?: Record<string, string> }) => Promise<Response>;
  close: () => Promise<void>;
};

/** A free loopback port (for a server whose own URL must be configured before it starts). */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", () => done()));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return port;
}

export async function startTestServer(options: { production?: boolean; port?: number } = {}): Promise<TestServer> {
  const buildPath = resolve("build/index.js");
  if (!existsSync(buildPath)) throw new Error("build/index.js is missing: run `npm run build` first (npm test does).");
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  const lines: string[] = [];
  const logger = pino(
    { base: undefined },
    new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    }),
  );
  const app = createHttpApp({ build, logger, production: options.production ?? true });
  const server = app.listen(options.port ?? 0, "127.0.0.1");
  await new Promise<void>((done) => server.once("listening", () => done()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    build,
    logLines: () => lines.flatMap((chunk) => chunk.split("\n").filter(Boolean)).map((line) => JSON.parse(line) as Record<string, unknown>),
    fetch: (path, init = {}) => {
      const headers = new Headers(init.headers);
      if (init.cookie) headers.set("Cookie", init.cookie);
      let body = init.body;
      if (init.form) {
        body = new URLSearchParams(init.form).toString();
        headers.set("Content-Type", "application/x-www-form-urlencoded");
      }
      return fetch(origin + path, { ...init, headers, body, redirect: "manual" });
    },
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/** The `name=value` pair of a Set-Cookie header, ready to send back as a Cookie header. */
export function cookiePair(response: Response, name: string): string | null {
  const header = response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return header ? header.split(";")[0]! : null;
}
