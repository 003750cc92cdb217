// Array helpers for async callbacks that must run one after another (issue 20): inside a
// transaction the statements of one request keep their order, and nothing runs concurrently on
// one connection.
export async function mapInSeries<T, R>(items: readonly T[], work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i++) results.push(await work(items[i]!, i));
  return results;
}

export async function eachInSeries<T>(items: Iterable<T>, work: (item: T, index: number) => Promise<unknown>): Promise<void> {
  let i = 0;
  for (const item of items) await work(item, i++);
}

export async function flatMapInSeries<T, R>(items: readonly T[], work: (item: T, index: number) => Promise<R | readonly R[]>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i++) {
    const r = await work(items[i]!, i);
    if (Array.isArray(r)) results.push(...(r as R[]));
    else results.push(r as R);
  }
  return results;
}

export async function filterInSeries<T>(items: readonly T[], keep: (item: T, index: number) => Promise<boolean>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < items.length; i++) if (await keep(items[i]!, i)) results.push(items[i]!);
  return results;
}
