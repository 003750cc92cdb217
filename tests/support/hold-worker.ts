// A separate OS process for tests/integration/ledger-concurrency.test.ts: opens the database named
// by DATABASE_URL with the app's own connection, waits for the start signal (a file appearing),
// then tries to place `attempts` holds on one pool as fast as it can (or, with `adjust` and a
// finance user's id, to take `amount` out by adjustments: no hold row, only ledger entries), and
// prints what happened as one JSON line.
//   node --import tsx tests/support/hold-worker.ts <poolId> <attempts> <amount> <worker name> <start file> [hold | adjust <financeId>]
import { existsSync } from "node:fs";
import { isDomainError } from "~/domain/core/errors";
import { adjust, placeHold } from "~/domain/budget/ledger.server";
import { closeDatabase, db } from "~/utils/db.server";

const [poolId, attempts, amount, name, startFile, kind = "hold", financeId] = process.argv.slice(2);
const result = { name, placed: 0, refused: 0, errors: [] as string[] };

process.stdout.write("ready\n");
const waitUntil = Date.now() + 60_000;
while (!existsSync(startFile!) && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 2));

for (let i = 0; i < Number(attempts); i++) {
  try {
    if (kind === "adjust") {
      const finance = { id: Number(financeId), role: "finance" as const };
      await adjust(db, finance, { poolId: Number(poolId), amount: -Number(amount), reason: "Race test", idempotencyKey: `${name}-adjust-${i}`, now: new Date() });
    } else {
      await placeHold(db, { id: null }, { poolId: Number(poolId), amount: Number(amount), idempotencyKey: `${name}-hold-${i}`, now: new Date() });
    }
    result.placed++;
  } catch (error) {
    if (isDomainError(error) && error.code === "INSUFFICIENT_FUNDS") result.refused++;
    else result.errors.push(error instanceof Error ? error.message : String(error));
  }
}
await closeDatabase(db);
process.stdout.write(`${JSON.stringify(result)}\n`);
