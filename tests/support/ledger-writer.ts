// A separate OS process for tests/integration/ledger-crash.sqlite.test.ts: writes a stream of ledger
// operations (allocate, place a hold, capture it) to one pool of the database named by
// DATABASE_URL, and after each one has returned prints "ok <idempotency key>". Pipes are
// synchronous on Linux, so a line the parent has read is an operation that had committed.
//   node --import tsx tests/support/ledger-writer.ts <poolId> <finance user id> <run name>
// (node itself, not the tsx wrapper: SIGKILL must hit the process that writes.)
import { allocate, captureHold, placeHold } from "~/domain/budget/ledger.server";
import { db } from "~/utils/db.server";

const [poolId, financeId, run] = process.argv.slice(2);
const finance = { id: Number(financeId), role: "finance" as const };
const pool = Number(poolId);

const parent = process.ppid;
// Bounded, and it stops if its parent test is gone, so it can never write on forever.
for (let i = 0; i < 5_000 && process.ppid === parent; i++) {
  const allocation = `${run}-alloc-${i}`;
  await allocate(db, finance, { poolId: pool, amount: 1_000, idempotencyKey: allocation, now: new Date() });
  process.stdout.write(`ok ${allocation}\n`);
  const holdKey = `${run}-hold-${i}`;
  const { holdId } = await placeHold(db, { id: null }, { poolId: pool, amount: 900, idempotencyKey: holdKey, now: new Date() });
  process.stdout.write(`ok ${holdKey}\n`);
  const captureKey = `${run}-capture-${i}`;
  await captureHold(db, { id: null }, { holdId, actualAmount: 850, idempotencyKey: captureKey, now: new Date() });
  process.stdout.write(`ok ${captureKey}\n`);
}
