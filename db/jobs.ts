// `npm run jobs`: the periodic privacy work. Idempotent and safe to run from cron (say hourly):
// a second run finds nothing left to do. Today it redacts expired notes of sensitive signals.
import { redactExpiredNotes } from "../app/domain/privacy.server";
import { db, sqliteOf } from "../app/utils/db.server";

const result = redactExpiredNotes(db, new Date());
console.log(
  `Redacted the notes of ${result.signals} sensitive signal(s) and ${result.revisions} earlier version(s) dated on or before ${result.cutoff}.`,
);
sqliteOf(db).close();
