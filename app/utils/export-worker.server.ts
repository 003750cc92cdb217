// CSV exports off the request path. In the production build an export runs in a worker thread
// (build/export-worker.js, from app/server/export-worker.ts) with its own read-only connection, and
// this side only forwards its chunks to the response, waiting for the client as it goes (drained).
// Where no built worker exists (tests calling loaders in-process, development), the same pages are
// read and written here, one page per pull, as before.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { csvStream } from "~/domain/core/csv-export.server";
import type { ExportWorkerData, ExportWorkerMessage } from "../server/export-worker";
import { locationForWorkers } from "./database.server";
import { db } from "./db.server";
import { env } from "./env.server";
import { exportSource, type ExportJob } from "./export-jobs.server";

/** Exports running at once; further ones wait their turn (each keeps a core busy while it runs). */
const MAX_EXPORT_WORKERS = 2;
/** Rows per page read by a worker; each page is one chunk of the response. */
const WORKER_PAGE_SIZE = 5_000;
/** Chunks a worker may have written beyond what the response has taken. */
const CHUNKS_AHEAD = 2;

function builtWorkerFile(): string | null {
  // A worker opens its own connection (openReadConnection): an in-memory database has none to share.
  if (env.DATABASE_URL === ":memory:") return null;
  const file = process.env.EXPORT_WORKER_FILE ?? fileURLToPath(new URL("./export-worker.js", import.meta.url));
  return existsSync(file) ? file : null;
}
const WORKER_FILE = builtWorkerFile();

let running = 0;
const waiting: (() => void)[] = [];
async function takeSlot(): Promise<() => void> {
  if (running >= MAX_EXPORT_WORKERS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    running--;
    waiting.shift()?.();
  };
}

/** The export's CSV bytes, read and written in a worker thread when the build has one. */
export async function exportCsvStream(job: ExportJob, options: { drained?: () => Promise<void> } = {}): Promise<ReadableStream<Uint8Array>> {
  if (!WORKER_FILE) return csvStream({ ...(await exportSource(db, job)), drained: options.drained });
  const workerFile = WORKER_FILE;
  const chunks: Uint8Array[] = [];
  let worker: Worker | null = null;
  let release: (() => void) | null = null;
  let finished = false;
  let cancelled = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const signal = () => {
    wake?.();
    wake = null;
  };

  async function start() {
    release = await takeSlot();
    if (cancelled) return release();
    const data: ExportWorkerData = { file: locationForWorkers(env.DATABASE_URL), job, pageSize: WORKER_PAGE_SIZE, chunksAhead: CHUNKS_AHEAD };
    worker = new Worker(workerFile, { workerData: data });
    worker.on("message", (message: ExportWorkerMessage) => {
      if (message.type === "chunk") chunks.push(message.bytes);
      else if (message.type === "end") finished = true;
      else failure = new Error(`The export failed: ${message.message}`);
      signal();
    });
    worker.on("error", (error) => {
      failure = error;
      signal();
    });
    worker.on("exit", () => {
      if (!finished && !failure) failure = new Error("The export worker stopped before the end.");
      release?.();
      signal();
    });
  }

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!worker) await start();
        if (options.drained) await options.drained();
        while (chunks.length === 0 && !finished && !failure) await new Promise<void>((resolve) => (wake = resolve));
        const chunk = chunks.shift();
        if (chunk) {
          controller.enqueue(chunk);
          worker?.postMessage("more");
        } else if (failure) controller.error(failure);
        else controller.close();
      },
      cancel() {
        // The client went away: stop reading.
        cancelled = true;
        void worker?.terminate();
        release?.();
      },
    },
    { highWaterMark: 0 },
  );
}
