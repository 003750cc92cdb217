// The app's one database connection. SQLite sits behind this module and `db/`; nothing else opens it.
import { openDatabase, type Db } from "./database.server";
import { env } from "./env.server";

export * from "./database.server";

export const db: Db = openDatabase(env.DATABASE_URL);
