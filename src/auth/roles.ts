import { AppRole } from "../generated/prisma/enums";

const APP_ROLES: ReadonlySet<unknown> = new Set(Object.values(AppRole));

/** One of the database's app_role values (from a token, a key lookup, a definer function's JSON). */
export function isAppRole(value: unknown): value is AppRole {
  return APP_ROLES.has(value);
}
