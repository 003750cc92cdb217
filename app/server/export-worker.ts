// An export worker thread (bundled to build/export-worker.js): reads one export's rows through its
// own read connection (SQLite read-only: WAL lets it read beside the app's writer; PostgreSQL: a
// connection of its own) and posts the CSV back
// in chunks, at most CHUNKS_AHEAD ahead of what the response has sent. The main thread's event loop
// only forwards bytes, so pages keep answering while a million-row export runs.
import { readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { csvHeaderText, csvRowsText } from "../domain/core/csv-export.server";
import { openReadConnection } from "../utils/database.server";
import { exportSource, type ExportJob } from "../utils/export-jobs.server";

export type ExportWorkerData = { file: string; job: ExportJob; pageSize: number; chunksAhead: number };
export type ExportWorkerMessage = { type: "chunk"; bytes: Uint8Array } | { type: "end"; rows: number } | { type: "error"; message: string };

const port = parentPort!;

/** How much nicer than the server an export thread is: an export is background work, a page is someone waiting. */
const EXPORT_NICENESS = 10;
// Linux schedules threads one by one: lower this thread's priority (its id is the last part of
// /proc/thread-self), leaving the server's event loop at its own. Elsewhere the export runs at the
// server's priority.
try {
  setPriority(Number(readlinkSync("/proc/thread-self").split("/").pop()), Math.min(19, getPriority() + EXPORT_NICENESS));
} catch {
  // not Linux, or not allowed
}
const { file, job, pageSize, chunksAhead } = workerData as ExportWorkerData;

let credit = chunksAhead;
let wake: (() => void) | null = null;
port.on("message", (message: unknown) => {
  if (message === "more") {
    credit++;
    wake?.();
    wake = null;
  }
});

const encoder = new TextEncoder();
async function send(text: string) {
  while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
  credit--;
  const bytes = encoder.encode(text);
  port.postMessage({ type: "chunk", bytes } satisfies ExportWorkerMessage, [bytes.buffer as ArrayBuffer]);
}

async function run() {
  // SQLite's default 2 MB cache and no memory map (decision 48): this connection reads a range once, and
  // a larger cache or mapped pages would only add to the server's resident memory during an export.
  // On PostgreSQL one connection of its own: it reads one page after another.
  const { db, close } = openReadConnection(file, { poolSize: 1, memorySettings: false });
  try {
    const source = await exportSource(db, job);
    await send(csvHeaderText(source.columns, source.bom));
    let after: unknown = null;
    let rows = 0;
    for (;;) {
      const page = await source.fetchPage(after, pageSize);
      if (page.length === 0) break;
      rows += page.length;
      after = source.keyOf(page[page.length - 1]!);
      await send(csvRowsText(page, source.columns));
      if (page.length < pageSize) break;
    }
    port.postMessage({ type: "end", rows } satisfies ExportWorkerMessage);
  } finally {
    await close();
  }
}

run().then(
  () => port.unref(),
  (error: unknown) => {
    port.postMessage({ type: "error", message: error instanceof Error ? error.message : String(error) } satisfies ExportWorkerMessage);
    port.unref();
  },
);
