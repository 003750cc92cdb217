// Work done once per HTTP request however many loaders ask for it (the session: the root, the
// `_app` layout and the page each need the signed-in user). Remix hands each loader its own copy of
// the Request, so the memo lives in an AsyncLocalStorage that the HTTP layer (app/server/http.ts)
// opens around each request. The storage is kept on globalThis because the HTTP layer and the
// Remix build are two bundles. Outside a request (tests calling a loader directly) nothing is kept.
import { AsyncLocalStorage } from "node:async_hooks";

type Memo = Map<string, unknown>;
const KEY = Symbol.for("empathy-fund.request-memo");
const holder = globalThis as unknown as Record<typeof KEY, AsyncLocalStorage<Memo> | undefined>;
const storage: AsyncLocalStorage<Memo> = (holder[KEY] ??= new AsyncLocalStorage<Memo>());

/** Runs one request's handling with an empty memo. */
export function runWithRequestMemo<T>(handle: () => T): T {
  return storage.run(new Map(), handle);
}

/** The value of `key` for this request: computed the first time it is asked for. */
export function memoForRequest<T>(key: string, compute: () => T): T {
  const memo = storage.getStore();
  if (!memo) return compute();
  if (memo.has(key)) return memo.get(key) as T;
  const value = compute();
  memo.set(key, value);
  return value;
}
