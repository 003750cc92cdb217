// One-shot messages shown after a redirect ("Signed out."), carried in a short-lived signed cookie.
import { createCookie, redirect } from "@remix-run/node";
import { z } from "zod";
import { env } from "./env.server";

const ToastSchema = z.object({
  kind: z.enum(["success", "info", "error"]),
  message: z.string().max(300),
});
export type Toast = z.infer<typeof ToastSchema>;

const toastCookie = createCookie(env.cookieSecure ? "__Host-ef_toast" : "ef_toast", {
  httpOnly: true,
  sameSite: "lax",
  secure: env.cookieSecure,
  path: "/",
  maxAge: 60,
  secrets: [env.SESSION_SECRET],
});

export async function readToast(request: Request): Promise<{ toast: Toast | null; clearHeader: string | null }> {
  const raw: unknown = await toastCookie.parse(request.headers.get("Cookie"));
  if (raw == null) return { toast: null, clearHeader: null };
  const parsed = ToastSchema.safeParse(raw);
  return {
    toast: parsed.success ? parsed.data : null,
    clearHeader: await toastCookie.serialize("", { maxAge: 0, expires: new Date(0) }),
  };
}

export async function toastHeader(toast: Toast): Promise<string> {
  return toastCookie.serialize(toast);
}

/** A redirect that shows a toast on the next page, keeping any other Set-Cookie headers. */
export async function redirectWithToast(url: string, toast: Toast, init: { headers?: HeadersInit } = {}) {
  const headers = new Headers(init.headers);
  headers.append("Set-Cookie", await toastHeader(toast));
  return redirect(url, { headers });
}
