// Signs a user in without the login form: a real session row and the cookie the app would set.
import type { User } from "../../db/schema";
import { createSession } from "~/domain/identity/sessions.server";
import type { Db } from "~/utils/db.server";
import { env } from "~/utils/env.server";
import { serializeSessionToken } from "~/utils/session.server";
import { writeTransaction } from "~/utils/db.server";

export async function sessionCookieFor(db: Db, user: Pick<User, "id">, now = new Date()): Promise<{ cookie: string; token: string }> {
  const { token } = await writeTransaction(db, async (tx) => await createSession(tx, { userId: user.id, secret: env.SESSION_SECRET, now }));
  const header = await serializeSessionToken(token);
  return { cookie: header.split(";")[0]!, token };
}
