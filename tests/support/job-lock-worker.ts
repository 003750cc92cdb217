// A separate OS process for tests/unit/core/job-locks.test.ts, standing in for one app server's
// cron: opens the database named by DATABASE_URL with the app's own connection, waits for the start
// signal (a file appearing), then for `seconds` keeps trying to take the jobs' lock; each time it
// has it, it "works" for `holdMs` and gives it back. Prints the intervals it held the lock as one
// JSON line.
//   node --import tsx tests/support/job-lock-worker.ts <seconds> <holdMs> <start file>
import { existsSync } from "node:fs";
import { acquireJobLock, jobHolderName, releaseJobLock } from "~/domain/core/job-locks.server";
import { db, sqliteOf } from "~/utils/db.server";

const [seconds, holdMs, startFile] = process.argv.slice(2);
const holder = jobHolderName();
const held: { from: number; to: number }[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

process.stdout.write("ready\n");
const waitUntil = Date.now() + 60_000;
while (!existsSync(startFile!) && Date.now() < waitUntil) await sleep(2);

const stopAt = Date.now() + Number(seconds) * 1000;
while (Date.now() < stopAt) {
  if (acquireJobLock(db, "periodic-jobs", holder, new Date()).acquired) {
    const from = Date.now();
    await sleep(Number(holdMs));
    const to = Date.now();
    releaseJobLock(db, "periodic-jobs", holder);
    held.push({ from, to });
  }
  await sleep(Math.random() * 20);
}
sqliteOf(db).close();
process.stdout.write(`${JSON.stringify({ holder, held })}\n`);
