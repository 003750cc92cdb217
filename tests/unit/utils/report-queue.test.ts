// The report threads' queue (decision 52): a whole-bank report whose requester has gone (a closed
// tab, a client's timeout) is dropped while it waits for a thread, so that a burst of abandoned
// requests does not keep the threads and the database busy long after (`npm run bench` on
// PostgreSQL at bank scale: after 16 flag requests had timed out, approvals measured 6/s; measured
// alone, 22/s). Driven through a stand-in worker that records which jobs it was given.
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ReportJob } from "~/utils/report-jobs.server";

let reports: typeof import("~/utils/report-worker.server");

beforeAll(async () => {
  process.env.REPORT_WORKER_FILE = resolve("tests/support/slow-report-worker.mjs");
  reports = await import("~/utils/report-worker.server");
});

const job = (marker: string) => ({ kind: "flags", marker }) as unknown as ReportJob;

describe("report threads' queue", () => {
  it("drops a waiting report whose request was closed, and computes every other one", async () => {
    const first = reports.runReport(job("A"));
    const second = reports.runReport(job("B"));
    const abandoned = new AbortController();
    const third = reports.runReport(job("C"), { signal: abandoned.signal });
    expect(reports.queuedReports()).toBe(1); // both threads are busy: C waits
    abandoned.abort();
    await expect(third).rejects.toThrow(/no longer wanted/);
    expect(reports.queuedReports()).toBe(0);
    await Promise.all([first, second]);
    // Each thread reports every job it was given: C is in neither.
    const seen = (await Promise.all([reports.runReport(job("D")), reports.runReport(job("E"))])) as unknown as string[][];
    expect(seen.flat().sort()).toEqual(expect.arrayContaining(["A", "B", "D", "E"]));
    expect(seen.flat()).not.toContain("C");
  });

  it("refuses at once a report whose request is already closed", async () => {
    const closed = new AbortController();
    closed.abort();
    await expect(reports.runReport(job("F"), { signal: closed.signal })).rejects.toThrow(/no longer wanted/);
    expect(reports.queuedReports()).toBe(0);
  });

  it("still answers a report that was already computing when its request closed (the answer is simply not sent)", async () => {
    const closing = new AbortController();
    const running = reports.runReport(job("G"), { signal: closing.signal });
    closing.abort();
    expect(await running).toContain("G");
  });
});
