import { badUserInput } from "./errors";

/** The most nodes one connection page (or `nodes(ids:)`) returns: API.md's cap. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export type PageRequest =
  | { direction: "forward"; size: number; after: string | null; before: string | null }
  | { direction: "backward"; size: number; after: string | null; before: string | null };

/**
 * Validates Relay arguments and says which page to load. Above the cap is an
 * error, not a silent clamp: a client asking for 500 rows and quietly getting
 * 100 would believe it has them all.
 */
export function pageRequest(args: ConnectionArgs): PageRequest {
  assertPageArgs(args);
  const after = args.after ?? null;
  const before = args.before ?? null;
  if (args.last != null) return { direction: "backward", size: args.last, after, before };
  return { direction: "forward", size: args.first ?? DEFAULT_PAGE_SIZE, after, before };
}

/** The checks alone, for connections whose paging Pothos does (relatedConnection). */
export function assertPageArgs(args: ConnectionArgs): void {
  for (const name of ["first", "last"] as const) {
    const value = args[name];
    if (value == null) continue;
    if (value < 0) throw badUserInput(`"${name}" must not be negative.`, { argument: name });
    if (value > MAX_PAGE_SIZE) {
      throw badUserInput(
        `"${name}" must be at most ${MAX_PAGE_SIZE} (got ${value}); page with "after"/"before" instead.`,
        {
          argument: name,
          max: MAX_PAGE_SIZE,
        },
      );
    }
  }
  if (args.first != null && args.last != null) {
    throw badUserInput('Use either "first" or "last", not both.', { argument: "last" });
  }
}
