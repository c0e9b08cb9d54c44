import { type GraphQLResolveInfo, isObjectType } from "graphql";
import { badUserInput } from "./errors";
import { isUuid } from "../db/uuid";

/**
 * The raw id inside a global id, checked before it reaches SQL: in the
 * operation's single transaction a failed statement (22P02 for a bad uuid)
 * would abort every sibling field's query too.
 */
export function parseUuid(id: string, what = "id"): string {
  if (!isUuid(id)) throw badUserInput(`"${what}" is not a valid id.`);
  return id.toLowerCase();
}

/** `findUnique` for prismaNode: the global id's uuid, validated. */
export function findByUuid(id: string): { id: string } {
  return { id: parseUuid(id) };
}

/** node(id:)/nodes(ids:) name a type that exists and implements Node, or the input is bad. */
export function assertNodeType(info: GraphQLResolveInfo, typename: string): void {
  const type = info.schema.getType(typename);
  if (!isObjectType(type) || !type.getInterfaces().some((iface) => iface.name === "Node")) {
    throw badUserInput("The id does not identify a node of this API.");
  }
}

/**
 * What every Prisma-backed Node shares: its uuid primary key behind the
 * global id, looked up by it, and null (not an error) where RLS hides the
 * row — another buyer's order, a draft listing — so node() answers null.
 */
export const uuidNode = {
  id: { resolve: (row: { id: string }) => row.id },
  findUnique: findByUuid,
  select: { id: true },
  nullable: true,
} as const;
