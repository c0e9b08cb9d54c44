import { createContextCache } from "@pothos/core";
import DataLoader from "dataloader";
import type { Context } from "../context";

/**
 * A request-scoped DataLoader that fetches values by id in one statement,
 * for data Prisma does not load itself (the narrowed column functions of
 * migration 008, counterparts' profiles). Cached on the request's context
 * through Pothos' context cache, so batching and caching never cross
 * requests. `fetch` returns the rows it found as [id, value] pairs; an id
 * it did not find gets `missing`.
 */
export function loaderByIds<V>(
  fetch: (ids: readonly string[], context: Context) => Promise<Iterable<readonly [string, V]>>,
  missing: V,
): (context: Context) => DataLoader<string, V> {
  return createContextCache(
    (context: Context) =>
      new DataLoader<string, V>(async (ids) => {
        const found = new Map(await fetch(ids, context));
        return ids.map((id) => found.get(id) ?? missing);
      }),
  );
}
