// A second process for tests/integration/api-rate-limit-shared.sqlite.test.ts: opens the database file given
// as argv[2] and asks the signal API's rate limit for key argv[3] argv[4] times at the instant argv[5]
// (ms), then prints how many were allowed. Run with tsx.
import { takeRateLimit } from "~/domain/customers/signal-api.server";
import { openDatabase } from "~/utils/database.server";

const [file, keyId, times, at] = process.argv.slice(2);
const db = openDatabase(file!, { migrate: false });
let allowed = 0;
for (let i = 0; i < Number(times); i++) if ((await takeRateLimit(db, Number(keyId), new Date(Number(at)))).allowed) allowed++;
process.stdout.write(JSON.stringify({ allowed }));
