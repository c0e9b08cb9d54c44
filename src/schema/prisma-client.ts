import { type Context, db } from "../context";
import type { RequestTransactionClient } from "../db/request-transaction";

/**
 * The request's transaction client as GraphQL resolvers (and the Pothos
 * Prisma plugin) read through it: reads default to
 * `relationLoadStrategy: "query"`.
 *
 * Why: with the `relationJoins` preview enabled, Prisma's default strategy
 * is "join", and for a to-many relation its lateral subquery selects whole
 * rows (`select t.*`). The request roles may not read every column of some
 * tables (supplier_orders' prices, orders.total_amount, suppliers' contact
 * fields: migration 008), so such a query fails with 42501 for everyone.
 * "query" sends one statement per relation table (constant per page: Prisma
 * batches the children of all parents into one `IN (...)`) and selects only
 * what was asked. A caller that passes a strategy (the marketplace page
 * passes "join" for its to-one supplier) keeps it.
 */
export function readClient(context: Context): RequestTransactionClient {
  return withQueryStrategy(db(context));
}

const READ_METHODS = new Set([
  "findUnique",
  "findUniqueOrThrow",
  "findFirst",
  "findFirstOrThrow",
  "findMany",
]);
const clients = new WeakMap<object, object>();

export function withQueryStrategy<T extends object>(client: T): T {
  let wrapped = clients.get(client);
  if (!wrapped) {
    const delegates = new Map<PropertyKey, unknown>();
    wrapped = new Proxy(client, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (!isModelDelegate(value)) return value;
        let delegate = delegates.get(property);
        if (!delegate) {
          delegate = wrapDelegate(value);
          delegates.set(property, delegate);
        }
        return delegate;
      },
    });
    clients.set(client, wrapped);
  }
  return wrapped as T;
}

type Delegate = Record<string, (args?: Record<string, unknown>) => unknown>;

function isModelDelegate(value: unknown): value is Delegate {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { findMany?: unknown }).findMany === "function" &&
    typeof (value as { findUnique?: unknown }).findUnique === "function"
  );
}

function wrapDelegate(delegate: Delegate): Delegate {
  return new Proxy(delegate, {
    get(target, property) {
      const value = target[property as string];
      if (typeof property !== "string" || !READ_METHODS.has(property) || typeof value !== "function")
        return value;
      return (args: Record<string, unknown> = {}) =>
        target[property]!({ relationLoadStrategy: "query", ...args });
    },
  });
}
