import {
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  getOperationAST,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { badUserInput } from "./errors";

/**
 * signUp, signIn and refreshSession switch the operation's transaction to
 * the user they just authenticated (assumeIdentity), so the payload's `user`
 * is read under that user's policies. Anything else in the same operation
 * would run under an identity the request never presented: such operations
 * are refused before they start.
 */
export const SESSION_MUTATIONS: ReadonlySet<string> = new Set(["signUp", "signIn", "refreshSession"]);

export function useSessionMutationGuard(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== "mutation") return;
      const fields = rootFieldNames(args.document, operation);
      const session = fields.find((name) => SESSION_MUTATIONS.has(name));
      if (session && fields.length > 1) {
        setResultAndStopExecution({
          errors: [
            badUserInput(`${session} must be the only field of its operation.`, {
              reason: "SESSION_MUTATION_NOT_ALONE",
            }),
          ],
        });
      }
    },
  };
}

/** Every root field the operation selects (aliases count twice), through fragments. */
function rootFieldNames(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const names: string[] = [];
  const visited = new Set<string>();
  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== "__typename") names.push(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !visited.has(fragment.name.value)) {
          visited.add(fragment.name.value);
          visit(fragment.selectionSet);
        }
      }
    }
  };
  visit(operation.selectionSet);
  return names;
}
