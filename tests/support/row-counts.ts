// Row counts of every table: compared before and after a request that must write nothing, on
// either engine. Sessions are left out: signing a visitor in and touching a session's last-seen
// time are not writes of the request's own.
import { sql } from "drizzle-orm";
import { isPostgres, type Db } from "~/utils/db.server";
import { queryRow, queryRows } from "~/utils/query.server";

const IGNORED = new Set(["sessions", "__drizzle_migrations"]);

export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const tables = await queryRows<{ name: string }>(
    db,
    isPostgres(db)
      ? sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`
      : sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    if (IGNORED.has(name)) continue;
    counts[name] = (await queryRow<{ n: number }>(db, sql.raw(`select count(*) as n from "${name}"`)))!.n;
  }
  return counts;
}
