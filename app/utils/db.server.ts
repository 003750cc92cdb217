// The app's one database connection. SQLite sits behind this module and `db/`; nothing else opens it.
import { reportIdleConnectionErrors } from "./database-postgres.server";
import { openDatabase, type Db } from "./database.server";
import { env } from "./env.server";
import { logger } from "./logger.server";

export * from "./database.server";

reportIdleConnectionErrors((error) => logger.warn({ err: error }, "A PostgreSQL connection in the pool failed while idle; it is replaced on the next query."));
export const db: Db = openDatabase(env.DATABASE_URL);
