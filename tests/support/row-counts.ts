// Row counts of every table: compared before and after a request that must write nothing.
// Sessions are left out: signing a visitor in and touching a session's last-seen time are not writes
// of the request's own.
import type Database from "better-sqlite3";

const IGNORED = new Set(["sessions", "__drizzle_migrations"]);

export function rowCounts(sqlite: Database.Database): Record<string, number> {
  const tables = sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").all() as { name: string }[];
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    if (IGNORED.has(name)) continue;
    counts[name] = (sqlite.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n;
  }
  return counts;
}
