// A stand-in for build/report-worker.js (tests/unit/utils/report-queue.test.ts): answers each job after
// 150 ms with every job marker this thread has been given, so a test can tell which jobs ran.
import { parentPort } from "node:worker_threads";

const seen = [];
parentPort.on("message", ({ id, job }) => {
  seen.push(job.marker);
  setTimeout(() => parentPort.postMessage({ id, ok: true, value: [...seen] }), 150);
});
