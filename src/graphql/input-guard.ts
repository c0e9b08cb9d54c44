import { type DocumentNode, Kind, type ValueNode, visit } from "graphql";
import type { Plugin } from "graphql-yoga";
import { badUserInput } from "./errors";

/**
 * Text input checked once, at the edge, for every argument of every field:
 * PostgreSQL cannot store a NUL character in text (22021), so a string that
 * holds one is refused here with BAD_USER_INPUT before any resolver runs,
 * instead of failing deep inside a query. Covers string literals in the
 * document (checked once per parsed document: Yoga caches documents) and
 * every string in the variables, however nested.
 */
export function useInputGuard(): Plugin {
  const literalChecks = new WeakMap<DocumentNode, string | null>();
  const literalFault = (document: DocumentNode): string | null => {
    let fault = literalChecks.get(document);
    if (fault === undefined) {
      fault = findNulInLiterals(document);
      literalChecks.set(document, fault);
    }
    return fault;
  };

  const check = (document: DocumentNode, variables: unknown): string | null =>
    literalFault(document) ?? (variables ? findNulInVariables(variables) : null);

  return {
    onExecute({ args, setResultAndStopExecution }) {
      const fault = check(args.document, args.variableValues);
      if (fault) setResultAndStopExecution({ errors: [nulError(fault)] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const fault = check(args.document, args.variableValues);
      if (fault) setResultAndStopExecution({ errors: [nulError(fault)] });
    },
  };
}

function nulError(where: string) {
  return badUserInput(`${where} contains a NUL character, which text values may not hold.`, {
    reason: "INVALID_CHARACTER",
  });
}

function findNulInLiterals(document: DocumentNode): string | null {
  let fault: string | null = null;
  visit(document, {
    Argument(node) {
      if (!fault && valueHasNul(node.value)) fault = `Argument "${node.name.value}"`;
    },
  });
  return fault;
}

function valueHasNul(value: ValueNode): boolean {
  switch (value.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return value.value.includes("\0");
    case Kind.LIST:
      return value.values.some(valueHasNul);
    case Kind.OBJECT:
      return value.fields.some((field) => valueHasNul(field.value));
    default:
      return false;
  }
}

function findNulInVariables(variables: unknown): string | null {
  if (typeof variables !== "object" || variables === null) return null;
  for (const [name, value] of Object.entries(variables)) {
    if (containsNul(value)) return `Variable "$${name}"`;
  }
  return null;
}

/** Iterative: variables may nest deeply (the body is capped at 1 MiB, not its depth). */
function containsNul(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === "string") {
      if (value.includes("\0")) return true;
    } else if (typeof value === "object" && value !== null) {
      for (const item of Array.isArray(value) ? value : Object.values(value)) pending.push(item);
    }
  }
  return false;
}
