import type { ApiKeyStore } from "./api-keys";
import type { TokenService } from "./tokens";

/**
 * What the sign-in mutations need beyond the viewer (Context.auth): the
 * token service, the refresh-token lifetime, this process' API key memory,
 * and who is on the other end of the socket.
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
