import type { ApiKeyStore } from "./api-keys";
import type { TokenService } from "./tokens";

/**
 * What the sign-in mutations need beyond the Context: the token service, the
 * refresh-token lifetime, this process' API key memory, and who is on the
 * other end of the socket. Carried by the context object under a symbol, so
 * the Context type stays small; enumerable, so it survives Yoga merging the
 * context factory's result into its own context object.
 */
export interface RequestAuth {
  tokens: TokenService;
  refreshTokenTtlSeconds: number;
  apiKeys: Pick<ApiKeyStore, "forget">;
  client: ClientInfo;
}

/** Stored with refresh tokens, so a user can tell sessions apart. */
export interface ClientInfo {
  userAgent: string | null;
  /** The socket's peer address (a proxy's, behind one: forwarded headers are not trusted). */
  ip: string | null;
}

const REQUEST_AUTH = Symbol("loomline.requestAuth");

export function bindRequestAuth<T extends object>(context: T, auth: RequestAuth): T {
  Object.defineProperty(context, REQUEST_AUTH, { value: auth, enumerable: true });
  return context;
}

export function requestAuth(context: object): RequestAuth {
  const auth = (context as { [REQUEST_AUTH]?: RequestAuth })[REQUEST_AUTH];
  if (!auth) throw new Error("No authentication services for this context: was it built by createApp?");
  return auth;
}
