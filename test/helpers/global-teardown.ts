import { dropDatabase, testDatabasePrefix, withAdminClient } from "./database";
import type { TestDatabaseServer } from "./global-setup";

/** Drops the template and every test database of this run, then stops the embedded server. */
export default async function globalTeardown(): Promise<void> {
  const server: TestDatabaseServer | undefined = globalThis.loomlineTestDatabaseServer;
  if (!server) return;
  globalThis.loomlineTestDatabaseServer = undefined;
  try {
    const prefix = testDatabasePrefix(server.template);
    const names = await withAdminClient(server.serverUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        "select datname from pg_database where datname = $1 or starts_with(datname, $2)",
        [server.template, prefix],
      );
      return rows.map((row) => row.datname);
    });
    for (const name of names) await dropDatabase(server.serverUrl, name);
  } finally {
    await server.stop();
  }
}
