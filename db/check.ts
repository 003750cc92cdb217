// `npm run db:check`: integrity, foreign keys, the ledger's invariants and the audit chain of the
// database at DATABASE_URL. Exit status 1 when anything is broken.
import { checkDatabase, describeReport } from "../app/domain/administration/integrity.server";
import { closeDatabase, db } from "../app/utils/db.server";

const report = await checkDatabase(db);
await closeDatabase(db);
console.log(describeReport(report));
if (!report.ok) process.exit(1);
