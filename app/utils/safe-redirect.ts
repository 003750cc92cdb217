// Only ever redirect to a relative path on this site: never to another host, a protocol-relative
// URL (//evil.example), a backslash trick (/\evil.example) or a scheme (javascript:).
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || to.length === 0 || to.length > 2000) return fallback;
  if (!to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  // Control characters (tab, CR, LF) are dropped by URL parsers and can turn "/\t/evil" into "//evil".
  if (/[\u0000-\u001f\u007f\\]/.test(to)) return fallback;
  try {
    const base = "http://this.site.invalid";
    const url = new URL(to, base);
    if (url.origin !== base) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}
