// The shape of app/ as its imports draw it: no file imports itself back through others, the domain
// contexts depend one way (the order below), and the domain never reaches up into the UI. Imports
// are read with a regular expression (no parser dependency); `import type` and `export type` are
// left out, since they vanish from the running code.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The domain contexts from the top down. A context may import its own files and the contexts of
 * the rows BELOW it; contexts in the same row do not import each other.
 */
const CONTEXT_ORDER: readonly (readonly string[])[] = [
  // Stories read the reports' filter vocabulary (regions) and what counts as a positive response.
  ["stories"],
  ["reporting", "administration"],
  ["gestures"],
  // What has worked (issue 21) reads kept figures; the gestures' form and queue show it.
  ["approvals", "policy", "feedback"],
  ["identity", "customers", "budget"],
  // Notifications only write messages; the budget's alerts (issue 21) send them.
  ["notifications"],
  ["core"],
];

/** Where the domain must never reach: the UI sits above it. */
const ABOVE_THE_DOMAIN = ["app/routes/", "app/components/", "app/root.tsx", "app/entry."];

const root = fileURLToPath(new URL("../../../", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(rel);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [rel] : [];
  });
}

// `import x from "m"`, `import { a, type B } from "m"`, `export { a } from "m"`, `export * from "m"`,
// `import "m"` and `import("m")`; the type-only forms are recognised and skipped.
const STATIC = /^[ \t]*(import|export)\s+(type\s+)?([\w$*{}\s,]*?)\s*from\s*["']([^"']+)["']/gm;
const BARE = /^[ \t]*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /(?<!typeof\s)\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** True when every name in `{ ... }` is marked `type` and there is no default or namespace import. */
function onlyTypes(clause: string): boolean {
  const braces = clause.match(/^\{([\s\S]*)\}$/);
  if (!braces) return false;
  const names = braces[1]!.split(",").map((n) => n.trim()).filter(Boolean);
  return names.length > 0 && names.every((n) => n.startsWith("type "));
}

function importsOf(source: string): string[] {
  const specs: string[] = [];
  for (const m of source.matchAll(STATIC)) if (!m[2] && !onlyTypes(m[3]!.trim())) specs.push(m[4]!);
  for (const m of source.matchAll(BARE)) specs.push(m[1]!);
  for (const m of source.matchAll(DYNAMIC)) specs.push(m[1]!);
  return specs;
}

function resolve(spec: string, from: string, files: Set<string>): string | null {
  let base: string;
  if (spec.startsWith("~/")) base = `app/${spec.slice(2)}`;
  else if (spec.startsWith("./") || spec.startsWith("../")) base = path.posix.join(path.posix.dirname(from), spec);
  else return null; // a package
  for (const ext of ["", ".ts", ".tsx", "/index.ts", "/index.tsx"]) if (files.has(base + ext)) return base + ext;
  return null; // not a module of app/ (a stylesheet, db/schema)
}

function buildGraph() {
  const files = sourceFiles("app");
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = importsOf(readFileSync(path.join(root, file), "utf8"))
      .map((spec) => resolve(spec, file, known))
      .filter((t): t is string => t !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every loop of files, each written as a -> b -> ... -> a (one loop per strongly connected group). */
function findCycles(graph: Map<string, string[]>): string[] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || graph.get(v)?.includes(v)) groups.push(group);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  // Name one loop through each group: walk inside the group until a file repeats.
  return groups.map((group) => {
    const inGroup = new Set(group);
    const path = [group.sort()[0]!];
    for (;;) {
      const step = graph.get(path.at(-1)!)!.find((w) => inGroup.has(w))!;
      const seen = path.indexOf(step);
      if (seen >= 0) return [...path.slice(seen), step].join(" -> ");
      path.push(step);
    }
  });
}

const contextOf = (file: string) => file.match(/^app\/domain\/([^/]+)\//)?.[1] ?? null;
const rowOf = (context: string) => CONTEXT_ORDER.findIndex((row) => row.includes(context));

describe("the import graph of app/", () => {
  const graph = buildGraph();
  const domainEdges = [...graph].flatMap(([from, targets]) => (from.startsWith("app/domain/") ? targets.map((to) => ({ from, to })) : []));

  it("reads the imports it checks (value imports counted, type-only imports left out)", () => {
    expect(graph.get("app/domain/gestures/decisions.server.ts")).toContain("app/domain/budget/ledger.server.ts");
    expect(graph.get("app/routes/_app.spend.tsx")).toContain("app/domain/reporting/spend-reports.server.ts");
    // root-data.ts imports only the type of root's loader.
    expect(graph.get("app/utils/root-data.ts")).not.toContain("app/root.tsx");
    expect(importsOf('import type { A } from "./a";\nimport { type B } from "./b";\nexport type { C } from "./c";\nimport { d, type E } from "./d";\nexport * from "./f";\nconst g = await import("./g");')).toEqual(["./d", "./f", "./g"]);
    expect(findCycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]))).toEqual(["a -> b -> c -> a"]);
  });

  it("no file of app/ imports itself back, directly or through others", () => {
    expect(findCycles(graph)).toEqual([]);
  });

  it("every domain file sits in a context folder named in the order", () => {
    const loose = [...graph.keys()].filter((f) => f.startsWith("app/domain/") && (contextOf(f) === null || rowOf(contextOf(f)!) < 0));
    expect(loose).toEqual([]);
  });

  it("a domain context imports only its own files and the contexts below it in the order", () => {
    const upward = domainEdges
      .filter(({ from, to }) => to.startsWith("app/domain/") && contextOf(from) !== contextOf(to))
      .filter(({ from, to }) => rowOf(contextOf(to)!) <= rowOf(contextOf(from)!))
      .map(({ from, to }) => `${from} -> ${to} (${contextOf(from)} may not import ${contextOf(to)})`);
    expect(upward).toEqual([]);
  });

  it("the domain never imports routes or components", () => {
    const up = domainEdges.filter(({ to }) => ABOVE_THE_DOMAIN.some((prefix) => to.startsWith(prefix))).map(({ from, to }) => `${from} -> ${to}`);
    expect(up).toEqual([]);
  });

  it("a pure domain module imports no .server module, so the UI may use it", () => {
    const impure = domainEdges.filter(({ from, to }) => !from.endsWith(".server.ts") && to.endsWith(".server.ts")).map(({ from, to }) => `${from} -> ${to}`);
    expect(impure).toEqual([]);
  });
});
