// One client process of tests/integration/http-concurrency.test.ts: signs in on a running server
// and sends OPERATIONS (tests/support/http-workload.ts) in the given mix, then prints what was
// acknowledged and every status met as one JSON line. Usage:
//   node --import tsx tests/support/workload-worker.ts <origin> <database JSON> <operations> <mix,comma,separated> <label>
import { OPERATIONS, type OperationKind } from "./http-workload";
import { workloadContext } from "./workload-setup";

const [origin, databaseJson, operations, mix, label] = process.argv.slice(2) as [string, string, string, string, string];
const kinds = mix.split(",") as OperationKind[];
const ctx = await workloadContext(origin, JSON.parse(databaseJson));
// Waiting proposals are shared between processes through the server only: each process approves
// or withdraws the ones it proposed, while all of them draw on the same two pools.
let failures = 0;
for (let n = 0; n < Number(operations); n++) {
  try {
    await OPERATIONS[kinds[n % kinds.length]!](ctx, `${label}-${n}`);
  } catch {
    failures++;
  }
}
process.stdout.write(JSON.stringify({ acknowledged: ctx.acknowledged, statuses: ctx.statuses, failures }) + "\n");
