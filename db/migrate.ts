// `npm run db:migrate`: applies pending migrations to DATABASE_URL (opening the database does it).
import { db, sqliteOf } from "../app/utils/db.server";
import { env } from "../app/utils/env.server";

const applied = sqliteOf(db).prepare("select count(*) as n from __drizzle_migrations").get() as { n: number };
console.log(`Database ${env.DATABASE_URL} is migrated (${applied.n} migrations applied).`);
sqliteOf(db).close();
