// The PostgreSQL schema is the SQLite schema's twin (issue 20). No PostgreSQL is needed here, so
// `npm test` runs it everywhere: a table, column, unique constraint, index or trigger added on the
// SQLite side (db/sqlite/schema.ts, db/migrations) without its PostgreSQL twin (db/postgres/schema.ts, the
// PostgreSQL migrations) fails it, and so does the reverse.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { is } from "drizzle-orm";
import { getTableConfig as getPgTableConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as getSqliteTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it, vi } from "vitest";
import * as pgSchema from "../../../db/postgres/schema";
import * as sqliteSchema from "../../../db/sqlite/schema";

const root = fileURLToPath(new URL("../../../", import.meta.url));


type ColumnShape = { name: string; notNull: boolean; primary: boolean; default: unknown; sqlType: string };
type IndexShape = { name: string; unique: boolean; columns: string[]; partial: boolean };
type TableShape = { sqlName: string; columns: Record<string, ColumnShape>; primaryKeys: string[][]; indexes: IndexShape[] };

function indexColumns(columns: unknown[]): string[] {
  return columns.map((c) => (c && typeof c === "object" && "name" in c ? String((c as { name: string }).name) : "<expression>"));
}

function sqliteTables(): Record<string, TableShape> {
  const out: Record<string, TableShape> = {};
  for (const [exportName, value] of Object.entries(sqliteSchema)) {
    if (!is(value, SQLiteTable)) continue;
    const config = getSqliteTableConfig(value);
    const columns: Record<string, ColumnShape> = {};
    for (const [key, column] of Object.entries(value as unknown as Record<string, unknown>)) {
      const found = config.columns.find((c) => c === column);
      if (!found) continue;
      columns[key] = { name: found.name, notNull: found.notNull, primary: found.primary, default: found.default, sqlType: found.getSQLType() };
    }
    out[exportName] = {
      sqlName: config.name,
      columns,
      primaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
      indexes: config.indexes.map((i) => ({
        name: i.config.name,
        unique: i.config.unique,
        columns: indexColumns(i.config.columns),
        partial: i.config.where !== undefined,
      })),
    };
  }
  return out;
}

function postgresTables(): Record<string, TableShape> {
  const out: Record<string, TableShape> = {};
  for (const [exportName, value] of Object.entries(pgSchema)) {
    if (!is(value, PgTable)) continue;
    const config = getPgTableConfig(value);
    const columns: Record<string, ColumnShape> = {};
    for (const [key, column] of Object.entries(value as unknown as Record<string, unknown>)) {
      const found = config.columns.find((c) => c === column);
      if (!found) continue;
      columns[key] = { name: found.name, notNull: found.notNull, primary: found.primary, default: found.default, sqlType: found.getSQLType() };
    }
    out[exportName] = {
      sqlName: config.name,
      columns,
      primaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
      indexes: config.indexes.map((i) => ({
        name: i.config.name ?? "<unnamed>",
        unique: i.config.unique,
        columns: indexColumns(i.config.columns),
        partial: i.config.where !== undefined,
      })),
    };
  }
  return out;
}

/** What a SQLite column type becomes on PostgreSQL. */
function expectedPostgresTypes(sqlite: ColumnShape, sqliteColumnType: string): string[] {
  if (sqliteColumnType === "SQLiteTimestamp") return ["bigint"];
  if (sqliteColumnType === "SQLiteBoolean") return ["boolean"];
  if (sqliteColumnType === "SQLiteText") return ['text COLLATE "C"'];
  if (sqliteColumnType === "SQLiteBlobBuffer") return ["bytea"];
  if (sqlite.sqlType === "integer") return ["integer", "bigint"];
  return [`unexpected SQLite type ${sqlite.sqlType}`];
}

const sqlite = sqliteTables();
const postgres = postgresTables();

describe("db/postgres/schema.ts is the twin of db/sqlite/schema.ts", () => {
  it("exports the same tables under the same names, with the same SQL names", () => {
    expect(Object.keys(sqlite).length).toBeGreaterThan(40);
    expect(Object.keys(postgres).sort()).toEqual(Object.keys(sqlite).sort());
    for (const [name, table] of Object.entries(sqlite)) expect(postgres[name]?.sqlName, name).toBe(table.sqlName);
  });

  it("gives every table the same column properties, SQL names, nullability, primary keys and defaults", () => {
    for (const [name, table] of Object.entries(sqlite)) {
      const twin = postgres[name]!;
      expect(Object.keys(twin.columns).sort(), name).toEqual(Object.keys(table.columns).sort());
      for (const [key, column] of Object.entries(table.columns)) {
        const other = twin.columns[key]!;
        expect({ name: other.name, notNull: other.notNull, primary: other.primary, default: other.default }, `${name}.${key}`).toEqual({
          name: column.name,
          notNull: column.notNull,
          primary: column.primary,
          default: column.default,
        });
      }
      expect(twin.primaryKeys, name).toEqual(table.primaryKeys);
    }
  });

  it("maps each column type as decided: timestamps to int8, booleans to boolean, text to byte-order text, money to int8", () => {
    for (const [name, value] of Object.entries(sqliteSchema)) {
      if (!is(value, SQLiteTable)) continue;
      for (const [key, column] of Object.entries(sqlite[name]!.columns)) {
        const sqliteColumn = (value as unknown as Record<string, { columnType: string }>)[key]!;
        expect(expectedPostgresTypes(column, sqliteColumn.columnType), `${name}.${key}`).toContain(postgres[name]!.columns[key]!.sqlType);
      }
    }
    // Money columns are int8 on PostgreSQL (amounts of a whole bank pass 2^31 minor units).
    expect(postgres.ledgerEntries!.columns.amount!.sqlType).toBe("bigint");
    expect(postgres.ledgerEntries!.columns.balanceAfter!.sqlType).toBe("bigint");
    expect(postgres.poolTotals!.columns.available!.sqlType).toBe("bigint");
    expect(postgres.gestures!.columns.requestedAmount!.sqlType).toBe("bigint");
  });

  it("has the same unique constraints and indexes (same names, columns, partial or not)", () => {
    for (const [name, table] of Object.entries(sqlite)) {
      const sortByName = (list: IndexShape[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));
      expect(sortByName(postgres[name]!.indexes), name).toEqual(sortByName(table.indexes));
    }
  });

  it("exports the same vocabularies and limits (enums, maxima)", () => {
    for (const [name, value] of Object.entries(sqliteSchema)) {
      if (is(value, SQLiteTable) || typeof value === "function") continue;
      expect((pgSchema as Record<string, unknown>)[name], name).toEqual(value);
    }
  });
});

function sqlFiles(folder: string): string {
  return readdirSync(path.join(root, folder))
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((f) => readFileSync(path.join(root, folder, f), "utf8"))
    .join("\n");
}

describe("the PostgreSQL migrations follow the SQLite ones", () => {
  const sqliteSql = sqlFiles("db/migrations");
  const postgresSql = sqlFiles("db/postgres/migrations");

  it("create every trigger SQLite has, under the same name", () => {
    const created = new Set([...sqliteSql.matchAll(/CREATE TRIGGER\s+(?:IF NOT EXISTS\s+)?[`"]?(\w+)/gi)].map((m) => m[1]));
    for (const m of sqliteSql.matchAll(/DROP TRIGGER\s+(?:IF EXISTS\s+)?[`"]?(\w+)/gi)) created.delete(m[1]);
    expect(created.size).toBeGreaterThanOrEqual(37);
    const twins = new Set([...postgresSql.matchAll(/CREATE TRIGGER\s+(\w+)/gi)].map((m) => m[1]));
    const missing = [...created].filter((name) => !twins.has(name));
    expect(missing).toEqual([]);
  });

  it("create every index and unique index of the PostgreSQL schema (the generated SQL is current)", () => {
    for (const table of Object.values(postgres)) {
      for (const index of table.indexes) {
        expect(postgresSql, index.name).toContain(`${index.unique ? "CREATE UNIQUE INDEX" : "CREATE INDEX"} "${index.name}"`);
      }
      for (const column of Object.values(table.columns)) {
        expect(postgresSql, `${table.sqlName}.${column.name}`).toMatch(new RegExp(`"${column.name}" ${column.sqlType.replace(/[()"]/g, (c) => `\\${c}`)}`));
      }
    }
  });
});

describe("db/schema.ts hands out one engine's tables", () => {
  it("has every table on SQLite, and on PostgreSQL every table is the PostgreSQL twin (none left behind as SQLite's)", async () => {
    const before = process.env.DATABASE_URL;
    try {
      vi.resetModules();
      process.env.DATABASE_URL = "data/some.sqlite";
      const onSqlite = (await import("../../../db/schema")) as Record<string, unknown>;
      vi.resetModules();
      process.env.DATABASE_URL = "postgres://user@127.0.0.1:5432/bank";
      const onPostgres = (await import("../../../db/schema")) as Record<string, unknown>;
      const names = Object.keys(sqlite);
      for (const name of names) {
        expect(is(onSqlite[name], SQLiteTable), name).toBe(true);
        expect(is(onPostgres[name], PgTable), name).toBe(true);
      }
      expect(Object.keys(onPostgres).filter((name) => is(onPostgres[name], SQLiteTable))).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = before;
      vi.resetModules();
    }
  });
});
