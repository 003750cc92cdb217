// The shape every form post shares: parse with the form's schema, run one domain call, and answer
// with what it returns (a redirect with a toast), the form's errors (400), or the domain error
// mapped beside its field (see errors.server.ts).
import { parseWithZod } from "@conform-to/zod/v4";
import { json } from "@remix-run/node";
import type { z } from "zod";
import { domainErrorReply } from "./errors.server";

export async function submitForm<Schema extends z.ZodType>(formData: FormData, schema: Schema, run: (value: z.output<Schema>) => Response | Promise<Response>) {
  const submission = parseWithZod(formData, { schema });
  if (submission.status !== "success") return json(submission.reply(), { status: 400 });
  try {
    return await run(submission.value);
  } catch (error) {
    return domainErrorReply(submission, error);
  }
}
