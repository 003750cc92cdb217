// Imported first by app/root.tsx, so it runs before any route module builds a schema. zod 4
// probes `new Function` to compile faster parsers; our CSP forbids eval in the browser, and the
// probe would leave a CSP violation report on every page with a form.
import { z } from "zod";

z.config({
  jitless: true,
  // A field sent twice reaches a schema as an array; say so plainly instead of zod's type jargon.
  customError: (issue) => (issue.code === "invalid_type" && Array.isArray(issue.input) ? "This field was sent more than once." : undefined),
});
