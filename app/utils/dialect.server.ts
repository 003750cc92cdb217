// The few pieces of SQL that the two engines spell differently (issue 20). Everything else the
// domain writes (drizzle's builders, and raw SQL in the common subset: quoted camelCase aliases,
// `1 = 1` rather than a bare `1` as a condition, `case when` rather than summing a comparison) runs
// on both. The engine is the process's, from DATABASE_URL, as db/schema.ts decides its tables.
import { sql, type SQL } from "drizzle-orm";
import { engineOf } from "../../db/engine";

const onPostgres = () => engineOf(process.env.DATABASE_URL) === "postgres";

/**
 * SQLite's `INDEXED BY` (a plan pinned where its planner once chose a worse index at bank scale;
 * decision 49). PostgreSQL's planner has statistics instead, and no such clause: nothing there.
 */
export function indexedBy(index: string): SQL {
  if (!/^[a-z_]+$/.test(index)) throw new Error(`unexpected index name ${index}`);
  return onPostgres() ? sql`` : sql.raw(`indexed by ${index}`);
}

/** The smaller of two values (SQLite's scalar `min(a, b)`; PostgreSQL's `least`). */
export function least(a: SQL | unknown, b: SQL | unknown): SQL {
  return onPostgres() ? sql`least(${a}, ${b})` : sql`min(${a}, ${b})`;
}

/** The group's values joined by `separator` (SQLite's group_concat; PostgreSQL's string_agg of text). */
export function joinedList(value: SQL, options: { separator?: string; distinct?: boolean } = {}): SQL {
  const separator = options.separator ?? ",";
  const distinct = options.distinct ? sql`distinct ` : sql``;
  if (onPostgres()) return sql`string_agg(${distinct}(${value})::text, ${separator})`;
  if (options.distinct && separator !== ",") throw new Error("SQLite's group_concat(distinct …) joins with commas only");
  // SQLite: a DISTINCT aggregate takes one argument, and "," is group_concat's own separator.
  return options.distinct ? sql`group_concat(distinct ${value})` : sql`group_concat(${value}, ${separator})`;
}

/**
 * The same differences as text, for SQL assembled as strings (the kept summaries' recomputations,
 * which must read word for word like the triggers of each engine's migrations).
 */
export function rawDialect() {
  return onPostgres()
    ? {
        /** A boolean condition as the integer 0 or 1 the flag columns hold. */
        flag: (condition: string) => `(${condition})::integer`,
        /** An ISO date (text) plus n days, as ISO text. */
        plusDays: (isoDate: string, days: number) => `to_char(${isoDate}::date + ${days}, 'YYYY-MM-DD')`,
        /** The UTC month (YYYY-MM) of a millisecond timestamp: the baseline's utc_month(). */
        utcMonth: (ms: string) => `utc_month(${ms})`,
      }
    : {
        flag: (condition: string) => condition,
        plusDays: (isoDate: string, days: number) => `date(${isoDate}, '+${days} days')`,
        utcMonth: (ms: string) => `strftime('%Y-%m', ${ms} / 1000, 'unixepoch')`,
      };
}
