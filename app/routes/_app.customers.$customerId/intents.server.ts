// The customer page's form posts: add a signal, or correct one's own recent signal.
import { json } from "@remix-run/node";
import { AddSignalSchema, CorrectSignalSchema } from "~/domain/customers/customer-schemas";
import { addSignal, correctSignal } from "~/domain/customers/customers.server";
import type { SessionUser } from "~/domain/identity/sessions.server";
import { now } from "~/utils/clock.server";
import { db } from "~/utils/db.server";
import { submitForm } from "~/utils/form-action.server";
import { redirectWithToast } from "~/utils/toast.server";

export type IntentArgs = { user: SessionUser; customerId: number; formData: FormData };

export function customerIdFrom(params: { customerId?: string }) {
  const id = Number(params.customerId);
  if (!Number.isInteger(id) || id < 1) throw json({ message: "There is no such customer in your branch." }, { status: 404 });
  return id;
}

export async function add({ user, customerId, formData }: IntentArgs) {
  return await submitForm(formData, AddSignalSchema, async ({ intent: _i, ...input }) => {
    await addSignal(db, user, { ...input, customerId }, now());
    return await redirectWithToast(`/customers/${customerId}`, { kind: "success", message: "Signal added." });
  });
}

export async function correct({ user, customerId, formData }: IntentArgs) {
  return await submitForm(formData, CorrectSignalSchema, async ({ intent: _i, ...input }) => {
    await correctSignal(db, user, input, now());
    return await redirectWithToast(`/customers/${customerId}`, { kind: "success", message: "Signal corrected. The previous version is kept in its history." });
  });
}
