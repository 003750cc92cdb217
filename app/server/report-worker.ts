// A report worker thread (bundled to build/report-worker.js): computes finance's whole-bank analytics
// (fairness, unusual-pattern flags) through its own read connection (openReadConnection), one job at a time,
// and posts each result back. It stays up between jobs (opening the connection and warming its page
// cache costs more than a report), so the server's event loop only waits for a message.
import { readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { openReadConnection } from "../utils/database.server";
import { computeReport, type ReportJob } from "../utils/report-jobs.server";

export type ReportWorkerData = { file: string };
export type ReportWorkerRequest = { id: number; job: ReportJob };
export type ReportWorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

const port = parentPort!;

/**
 * How much nicer than the server a report thread is. Less than an export's 10: finance is waiting
 * for this page, but a staff member's page on the event loop comes first.
 */
const REPORT_NICENESS = 5;
try {
  setPriority(Number(readlinkSync("/proc/thread-self").split("/").pop()), Math.min(19, getPriority() + REPORT_NICENESS));
} catch {
  // not Linux, or not allowed
}

const { file } = workerData as ReportWorkerData;
// The server's cache and memory map (decision 48): the same reports read the same pages again. On
// PostgreSQL one connection of its own: a report's queries run one after another.
const { db } = openReadConnection(file, { poolSize: 1, memorySettings: true });

port.on("message", async ({ id, job }: ReportWorkerRequest) => {
  let reply: ReportWorkerReply;
  try {
    reply = { id, ok: true, value: await computeReport(db, job) };
  } catch (error) {
    reply = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
