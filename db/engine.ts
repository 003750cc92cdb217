// Which database engine a DATABASE_URL names (issue 20): `postgres://…` or `postgresql://…` is
// PostgreSQL; anything else (a file path, `:memory:`) is an SQLite file.
export type Engine = "sqlite" | "postgres";

export function engineOf(url: string | undefined): Engine {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url) ? "postgres" : "sqlite";
}

/** The URL as it may be printed: a PostgreSQL password is replaced by `***`. */
export function shownDatabaseUrl(url: string): string {
  if (engineOf(url) !== "postgres") return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}
