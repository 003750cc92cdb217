// Finance's whole-bank analytics off the request path (issue 19). In the production build a report
// runs in a report worker thread (build/report-worker.js, from app/server/report-worker.ts) with its
// own read-only connection; the loader awaits its message and the event loop keeps serving others.
// Where no built worker exists (tests calling loaders in-process, development, an in-memory
// database), the same function runs here, as before.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ReportWorkerData, ReportWorkerReply, ReportWorkerRequest } from "../server/report-worker";
import { locationForWorkers } from "./database.server";
import { db } from "./db.server";
import { env } from "./env.server";
import { computeReport, type ReportJob, type ReportResult } from "./report-jobs.server";

/** Report threads at most (each keeps a core busy while it computes); further jobs wait their turn. */
const MAX_REPORT_WORKERS = 2;

function builtWorkerFile(): string | null {
  // A worker opens its own connection (openReadConnection): an in-memory database has none to share.
  if (env.DATABASE_URL === ":memory:") return null;
  const file = process.env.REPORT_WORKER_FILE ?? fileURLToPath(new URL("./report-worker.js", import.meta.url));
  return existsSync(file) ? file : null;
}
const WORKER_FILE = builtWorkerFile();

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type Thread = { worker: Worker; busy: (Pending & { id: number }) | null };

const threads: Thread[] = [];
const queue: { request: ReportWorkerRequest; pending: Pending }[] = [];
let nextId = 1;

function startThread(file: string): Thread {
  const data: ReportWorkerData = { file: locationForWorkers(env.DATABASE_URL) };
  const thread: Thread = { worker: new Worker(file, { workerData: data }), busy: null };
  // An idle report thread does not keep the process alive.
  thread.worker.unref();
  const fail = (error: Error) => {
    const index = threads.indexOf(thread);
    if (index !== -1) threads.splice(index, 1);
    thread.busy?.reject(error);
    thread.busy = null;
    dispatch();
  };
  thread.worker.on("message", (reply: ReportWorkerReply) => {
    const busy = thread.busy;
    thread.busy = null;
    if (busy && busy.id === reply.id) {
      if (reply.ok) busy.resolve(reply.value);
      else busy.reject(new Error(`The report failed: ${reply.message}`));
    }
    dispatch();
  });
  thread.worker.on("error", fail);
  thread.worker.on("exit", () => fail(new Error("The report worker stopped before answering.")));
  threads.push(thread);
  return thread;
}

function dispatch() {
  while (queue.length > 0) {
    const idle = threads.find((t) => t.busy === null) ?? (threads.length < MAX_REPORT_WORKERS ? startThread(WORKER_FILE!) : null);
    if (!idle) return;
    const { request, pending } = queue.shift()!;
    idle.busy = { ...pending, id: request.id };
    idle.worker.postMessage(request);
  }
}

/**
 * The report's result, computed in a report worker thread when the build has one. `signal`: the
 * request's; a report still waiting for a thread when its requester has gone (a closed tab, a
 * client's timeout) is dropped from the queue rather than computed for no one, so that a burst
 * of abandoned requests does not keep the threads and the database busy long after.
 */
export async function runReport<Job extends ReportJob>(job: Job, options: { signal?: AbortSignal } = {}): Promise<ReportResult<Job>> {
  if (!WORKER_FILE) return Promise.resolve(await computeReport(db, job));
  const { signal } = options;
  if (signal?.aborted) throw new Error("The report is no longer wanted: its request was closed.");
  return new Promise((resolve, reject) => {
    const entry = { request: { id: nextId++, job }, pending: { resolve: resolve as (value: unknown) => void, reject } };
    const abandon = () => {
      const index = queue.indexOf(entry);
      if (index === -1) return; // already computing: its answer is simply not sent
      queue.splice(index, 1);
      reject(new Error("The report is no longer wanted: its request was closed."));
    };
    signal?.addEventListener("abort", abandon, { once: true });
    entry.pending.resolve = (value) => {
      signal?.removeEventListener("abort", abandon);
      resolve(value as ReportResult<Job>);
    };
    entry.pending.reject = (error) => {
      signal?.removeEventListener("abort", abandon);
      reject(error);
    };
    queue.push(entry);
    dispatch();
  });
}

/** Reports waiting for a thread (for tests and the health of the queue). */
export function queuedReports(): number {
  return queue.length;
}
