// A separate OS process for tests/unit/core/job-locks.test.ts, standing in for one app server's
// cron: opens the database named by DATABASE_URL with the app's own connection, waits for the start
// signal (a file appearing), then for `seconds` keeps trying to take the jobs' lock; each time it
// has it, it appends "enter <holder>" to a shared log, "works" for `holdMs`, appends "exit <holder>"
// and gives it back. The log's order is the order of the appends (O_APPEND), not of any process's
// clock: under the clock sweep each spawned process starts its clock at the instant again. Prints
// how many times it held the lock as one JSON line.
//   node --import tsx tests/support/job-lock-worker.ts <seconds> <holdMs> <start file> <log file>
import { appendFileSync, existsSync } from "node:fs";
import { acquireJobLock, jobHolderName, releaseJobLock } from "~/domain/core/job-locks.server";
import { closeDatabase, db } from "~/utils/db.server";

const [seconds, holdMs, startFile, logFile] = process.argv.slice(2);
const holder = jobHolderName();
let held = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

process.stdout.write("ready\n");
const waitUntil = Date.now() + 60_000;
while (!existsSync(startFile!) && Date.now() < waitUntil) await sleep(2);

const stopAt = Date.now() + Number(seconds) * 1000;
while (Date.now() < stopAt) {
  if ((await acquireJobLock(db, "periodic-jobs", holder, new Date())).acquired) {
    appendFileSync(logFile!, `enter ${holder}\n`);
    await sleep(Number(holdMs));
    appendFileSync(logFile!, `exit ${holder}\n`);
    await releaseJobLock(db, "periodic-jobs", holder);
    held++;
  }
  await sleep(Math.random() * 20);
}
await closeDatabase(db);
process.stdout.write(`${JSON.stringify({ holder, held })}\n`);
