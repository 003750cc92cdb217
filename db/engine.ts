// Which database engine a DATABASE_URL names (issue 20): `postgres://…` or `postgresql://…` is
// PostgreSQL; anything else (a file path, `:memory:`) is an SQLite file.
export type Engine = "sqlite" | "postgres";

export function engineOf(url: string | undefined): Engine {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url) ? "postgres" : "sqlite";
}
