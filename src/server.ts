import http from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "./app";
import { ConfigError, loadConfig } from "./config";
import { prepareDatabase } from "./db/bootstrap";
import { type Logger, createLogger } from "./logger";

/** In-flight requests get this long to finish after a shutdown signal; then sockets are cut. */
const DRAIN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config);

  const database = await prepareDatabase(config, logger);
  const cleanups: (() => Promise<unknown>)[] = [() => database.stop()];
  const cleanUp = async () => {
    for (const step of cleanups.reverse())
      await step().catch((error) => logger.error({ err: error }, "shutdown step failed"));
  };

  try {
    const app = createApp({ config, logger, apiUrl: database.apiUrl });
    // Runs before the database stops (cleanups run in reverse).
    cleanups.push(() => app.close());
    const server = http.createServer(app.handler);
    // Subscriptions over graphql-ws on the same path (SSE needs nothing more).
    const sockets = app.attachWebSockets(server);
    // Slow clients may not hold a socket forever while sending a request.
    server.requestTimeout = 30_000;
    server.headersTimeout = 20_000;
    await listen(server, config.PORT, config.HOST);

    const { port } = server.address() as AddressInfo;
    const host = config.HOST === "0.0.0.0" || config.HOST === "::" ? "localhost" : config.HOST;
    logger.info({ port }, `GraphQL API listening on http://${host}:${port}/graphql`);
    if (config.graphiql) logger.info(`GraphiQL: open http://${host}:${port}/graphql in a browser`);

    onShutdownSignal(logger, async () => {
      // Long-lived sockets first: their clients reconnect (and resume by cursor) elsewhere.
      await sockets.close();
      await drain(server, logger);
      await cleanUp();
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** Stops accepting connections and waits for in-flight requests (bounded). */
async function drain(server: http.Server, logger: Logger): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const deadline = setTimeout(() => {
    logger.warn("in-flight requests did not finish in time; closing their connections");
    server.closeAllConnections();
  }, DRAIN_TIMEOUT_MS);
  deadline.unref();
  await closed;
  clearTimeout(deadline);
}

function onShutdownSignal(logger: Logger, shutdown: () => Promise<void>): void {
  let shuttingDown = false;
  const handle = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal }, "shutting down");
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", handle);
  process.on("SIGTERM", handle);
}

main().catch((error: unknown) => {
  // A setting or the machine is wrong: the message says what to do, a stack would only hide it.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
