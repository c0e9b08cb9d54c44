import type pg from "pg";

/**
 * BEGIN, `fn`, COMMIT; or ROLLBACK and rethrow. For the jobs that talk to
 * PostgreSQL through node-postgres directly (migrator, seed, CLIs), which
 * has no transaction helper of its own.
 */
export async function pgTransaction<T>(client: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  await client.query("begin");
  try {
    const result = await fn();
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  }
}
