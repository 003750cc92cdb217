// The headers every response of the app must carry, and the attributes of every cookie it sets.
// Used by the access-table test on every route × visitor × method (so every status a route
// answers), and by tests/integration/security-http.test.ts for the statuses the table does not reach.

/** What is wrong with a response's security headers and cookies; empty when all is well. */
export function securityHeaderProblems(response: Response, options: { https?: boolean } = {}): string[] {
  const problems: string[] = [];
  // A resource route that sets a header the HTTP layer sets too is answered with both ("nosniff,
  // nosniff"); a browser reads the same value from either, so each value is checked.
  const header = (name: string) => {
    const values = [...new Set((response.headers.get(name) ?? "").split(",").map((v) => v.trim()))].filter(Boolean);
    return name === "Content-Security-Policy" ? response.headers.get(name) : values.length === 1 ? values[0]! : response.headers.get(name);
  };
  const csp = header("Content-Security-Policy") ?? "";
  if (!/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/.test(csp)) problems.push("CSP without a nonce-only script-src");
  for (const directive of ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'self'"]) {
    if (!csp.includes(directive)) problems.push(`CSP lacks ${directive}`);
  }
  if (csp.includes("unsafe-inline") || csp.includes("unsafe-eval")) problems.push("CSP allows unsafe-inline or unsafe-eval");
  if (header("X-Content-Type-Options") !== "nosniff") problems.push("X-Content-Type-Options is not nosniff");
  if (header("Referrer-Policy") !== "same-origin") problems.push(`Referrer-Policy is ${header("Referrer-Policy")}`);
  if (header("X-Frame-Options") !== "DENY") problems.push(`X-Frame-Options is ${header("X-Frame-Options")}`);
  if (header("X-Powered-By") !== null) problems.push("X-Powered-By is present");
  // Pages show who is signed in and what they may see: no shared or back-button cache, whatever the status.
  if (header("Cache-Control") !== "no-store") problems.push(`Cache-Control is ${header("Cache-Control")}`);
  for (const cookie of response.headers.getSetCookie()) {
    const [pair, ...attributes] = cookie.split(";").map((part) => part.trim());
    const name = pair!.split("=")[0]!;
    const has = (attribute: string) => attributes.some((a) => a.toLowerCase() === attribute.toLowerCase() || a.toLowerCase().startsWith(`${attribute.toLowerCase()}=`));
    if (!has("HttpOnly")) problems.push(`cookie ${name} is not HttpOnly`);
    if (!attributes.some((a) => /^SameSite=(Lax|Strict)$/i.test(a))) problems.push(`cookie ${name} has no SameSite=Lax or Strict`);
    if (!attributes.includes("Path=/")) problems.push(`cookie ${name} is not Path=/`);
    if (has("Domain")) problems.push(`cookie ${name} names a Domain`);
    if (options.https && !has("Secure")) problems.push(`cookie ${name} is not Secure over https`);
  }
  return problems;
}
