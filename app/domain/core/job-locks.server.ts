// One run of a named piece of periodic work at a time, however many app servers run it from cron
// (issue 20 part 4). The lock is a lease in the database, so it holds across machines: taken in a
// write transaction, renewed between steps, released at the end. A holder that dies (kill -9, a
// machine lost) leaves a lease that lapses at `expiresAt`, and the next run takes it over.
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { jobLocks } from "../../../db/schema";
import { type DbOrTx, writeTransaction } from "~/utils/db.server";
import { firstRow } from "~/utils/query.server";

/** How long a lease lasts without renewal: longer than any one step of `npm run jobs`. */
export const JOB_LEASE_MS = 30 * 60_000;

export type JobLease = { name: string; holder: string; acquiredAt: Date; expiresAt: Date };

/** A name for this process that no other process shares: host, process id and a random suffix. */
export function jobHolderName(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Takes the lease on `name` unless another holder's lease is still running at `now`. */
export async function acquireJobLock(db: DbOrTx, name: string, holder: string, now: Date): Promise<{ acquired: true; lease: JobLease } | { acquired: false; heldBy: JobLease }> {
  return await writeTransaction(db, async (tx) => {
    const current = await firstRow(tx.select().from(jobLocks).where(eq(jobLocks.name, name)).limit(1));
    if (current && current.holder !== holder && current.expiresAt.getTime() > now.getTime()) return { acquired: false, heldBy: current };
    const lease = { name, holder, acquiredAt: now, expiresAt: new Date(now.getTime() + JOB_LEASE_MS) };
    await tx
      .insert(jobLocks)
      .values(lease)
      .onConflictDoUpdate({ target: jobLocks.name, set: { holder, acquiredAt: lease.acquiredAt, expiresAt: lease.expiresAt } });
    return { acquired: true, lease };
  });
}

/**
 * Extends the lease from `now` if `holder` still has it. False when it was lost (it lapsed and
 * another process took it over): the caller must stop before its next step.
 */
export async function renewJobLock(db: DbOrTx, name: string, holder: string, now: Date): Promise<boolean> {
  return await writeTransaction(db, async (tx) => {
    const current = await firstRow(tx.select().from(jobLocks).where(eq(jobLocks.name, name)).limit(1));
    if (!current || current.holder !== holder) return false;
    await tx
      .update(jobLocks)
      .set({ expiresAt: new Date(now.getTime() + JOB_LEASE_MS) })
      .where(and(eq(jobLocks.name, name), eq(jobLocks.holder, holder)));
    return true;
  });
}

/** Gives the lease back, if `holder` still has it; another holder's lease is left alone. */
export async function releaseJobLock(db: DbOrTx, name: string, holder: string): Promise<void> {
  await writeTransaction(db, async (tx) => {
    await tx.delete(jobLocks).where(and(eq(jobLocks.name, name), eq(jobLocks.holder, holder)));
  });
}
