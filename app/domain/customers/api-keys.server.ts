// API keys for CRMs that push signals. The key is shown once at creation; only its SHA-256 is
// stored (a 256-bit random key needs no slow hash). Admins create and revoke keys.
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { apiKeys, users } from "../../../db/schema";
import type { Db } from "~/utils/db.server";
import { recordAudit } from "../core/audit.server";
import type { Actor } from "./customers.server";
import { DomainError } from "../core/errors";
import { firstRow, returnedRow } from "~/utils/query.server";
import { writeTransaction } from "~/utils/db.server";

export const API_KEY_PREFIX = "ef_";

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

function assertAdmin(actor: Actor) {
  if (actor.role !== "admin") throw new DomainError("FORBIDDEN", "Only an administrator manages API keys.");
}

export async function createApiKey(db: Db, actor: Actor, input: { name: string }, now: Date): Promise<{ id: number; key: string }> {
  assertAdmin(actor);
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  return await writeTransaction(db, async (tx) => {
    const row = await returnedRow(
      tx
        .insert(apiKeys)
        .values({ name: input.name, prefix: key.slice(0, 10), keyHash: hashApiKey(key), createdById: actor.id, createdAt: now })
        .returning({ id: apiKeys.id }),
    );
    await recordAudit(tx, { actorId: actor.id, action: "api_key.created", entity: "api_key", entityId: row.id, detail: { name: input.name }, at: now });
    return { id: row.id, key };
  });
}

export async function revokeApiKey(db: Db, actor: Actor, input: { keyId: number }, now: Date) {
  assertAdmin(actor);
  await writeTransaction(db, async (tx) => {
    const row = await firstRow(tx.select().from(apiKeys).where(eq(apiKeys.id, input.keyId)).limit(1));
    if (!row) throw new DomainError("NOT_FOUND", "There is no such API key.");
    if (row.revokedAt) throw new DomainError("INVALID_STATE", "This key was already revoked.");
    await tx.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, row.id));
    await recordAudit(tx, { actorId: actor.id, action: "api_key.revoked", entity: "api_key", entityId: row.id, at: now });
  });
}

export async function listApiKeys(db: Db, actor: Actor) {
  assertAdmin(actor);
  return await db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
      createdByName: users.name,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.createdById))
    .orderBy(desc(apiKeys.id))
    .limit(200);
}

/** The active key matching a presented secret, or null. */
export async function authenticateApiKey(db: Db, presented: string): Promise<{ id: number; name: string } | null> {
  if (!presented.startsWith(API_KEY_PREFIX) || presented.length > 200) return null;
  const row = await firstRow(
    db
      .select({ id: apiKeys.id, name: apiKeys.name })
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, hashApiKey(presented)), isNull(apiKeys.revokedAt)))
      .limit(1),
  );
  return row ?? null;
}
