import { parseArgs } from "node:util";
import pg from "pg";
import type { Logger } from "pino";
import { ConfigError, loadConfig } from "../config";
import { resolveDatabase } from "../db/resolve";
import { createLogger } from "../logger";
import {
  ENCRYPTED_COLUMNS,
  type EncryptedColumn,
  FieldEncryptionError,
  createFieldCipher,
  currentPrefix,
  formatOf,
  generateFieldKey,
  keyIdOf,
  type FieldCipher,
} from "../services/field-encryption";
import { runCli } from "./run";

/**
 * `npm run keys:rotate`: re-encrypts every encrypted field that was written
 * with a key other than the current one (the first of FIELD_ENCRYPTION_KEYS),
 * or in the old format v1 (bound to its column only, not its row): what it
 * writes is v2 under the current key, bound to column and row.
 *
 * Rotating a key:
 *   1. `npm run keys:rotate -- --generate-key k2027` prints a new key.
 *   2. Put it FIRST in FIELD_ENCRYPTION_KEYS, keep the old keys after it, and
 *      deploy that everywhere (new writes now use it; old values still decrypt).
 *   3. `npm run keys:rotate` (idempotent; rerun it if it reports leftovers).
 *   4. When it reports nothing left, drop the old key from FIELD_ENCRYPTION_KEYS.
 *
 * Moving to format v2 (migration 012) needs no new key: deploy, then run
 * `npm run keys:rotate` once; it rewrites every v1 value under the current key.
 *
 * Rows are walked in id order, one transaction per batch with the batch's
 * rows locked (FOR UPDATE), so the API keeps working and a failure loses at
 * most one batch's progress. A value that does not decrypt (unknown key,
 * tampered, or copied from another row) is reported and left as it is; the
 * rest still rotate.
 *
 * After a v1 value was copied from one supplier into another, rotation
 * cannot tell: v1 never named the row, so it is rewritten as the row it now
 * sits in. Rotate soon after deploying format v2 (migration 012).
 */

export interface RotateOptions {
  /** A connection that sees every row: the migrator's (superuser or BYPASSRLS owner). */
  adminUrl: string;
  cipher: FieldCipher;
  logger: Pick<Logger, "info" | "warn">;
  batchSize?: number;
  /** Count what would be rotated, change nothing. */
  dryRun?: boolean;
}

export interface RotationFailure {
  table: string;
  id: string;
  column: string;
  keyId: string | null;
  /** `v1` or `v2`; null when the value is not ciphertext at all. */
  format: "v1" | "v2" | null;
  error: string;
}

export interface RotationSummary {
  currentKeyId: string;
  /** Rows that had at least one field under another key or in the old format. */
  rowsFound: number;
  fieldsRotated: number;
  batches: number;
  failures: RotationFailure[];
  /** Fields still under another key or in the old format after the run (failures, or written meanwhile by a process with the old key list). */
  remaining: number;
}

/** The database is not in a state that can be rotated (for example, not migrated). */
export class RotationRefusedError extends Error {
  override name = "RotationRefusedError";
}

/** The encrypted columns, grouped by table, from their names (`table.column`). */
export const ENCRYPTED_TABLES: ReadonlyMap<
  string,
  readonly { column: string; qualified: EncryptedColumn }[]
> = (() => {
  const tables = new Map<string, { column: string; qualified: EncryptedColumn }[]>();
  for (const qualified of Object.values(ENCRYPTED_COLUMNS)) {
    const [table, column] = qualified.split(".") as [string, string];
    tables.set(table, [...(tables.get(table) ?? []), { column, qualified }]);
  }
  return tables;
})();

export async function rotateFieldKeys(options: RotateOptions): Promise<RotationSummary> {
  const { cipher, logger } = options;
  const batchSize = options.batchSize ?? 500;
  // What is current: format v2 under the current key. Anything else is rewritten.
  const prefix = currentPrefix(cipher.currentKeyId);
  const summary: RotationSummary = {
    currentKeyId: cipher.currentKeyId,
    rowsFound: 0,
    fieldsRotated: 0,
    batches: 0,
    failures: [],
    remaining: 0,
  };

  const client = new pg.Client({
    connectionString: options.adminUrl,
    application_name: "loomline-keys-rotate",
  });
  client.on("error", () => undefined);
  await client.connect();
  try {
    for (const [table, columns] of ENCRYPTED_TABLES) {
      const { rows: exists } = await client.query<{ ok: boolean }>(
        "select to_regclass($1) is not null as ok",
        [`public.${table}`],
      );
      if (!exists[0]?.ok)
        throw new RotationRefusedError(`table ${table} does not exist: run \`npm run db:migrate\` first`);
      const t = pg.escapeIdentifier(table);
      const cols = columns.map(({ column }) => pg.escapeIdentifier(column));
      // starts_with, not LIKE: key ids may contain `_`, a LIKE wildcard.
      const stale = cols.map((c) => `(${c} is not null and not starts_with(${c}, $1))`).join(" or ");
      let lastId = "00000000-0000-0000-0000-000000000000";
      for (;;) {
        await client.query("begin");
        try {
          // Names the run in audit_log.request_id (the audit trigger on suppliers logs each update).
          await client.query("select set_config('request.id', $1, true)", [
            `keys:rotate:${cipher.currentKeyId}`,
          ]);
          const { rows } = await client.query<Record<string, string | null> & { id: string }>(
            `select id, ${cols.join(", ")} from ${t} where id > $2 and (${stale}) order by id limit $3 for update`,
            [prefix, lastId, batchSize],
          );
          if (rows.length === 0) {
            await client.query("commit");
            break;
          }
          lastId = rows[rows.length - 1]!.id;
          summary.rowsFound += rows.length;
          const updates = rows.map((row) => {
            const next: Record<string, string | null> = { id: row.id };
            for (const { column, qualified } of columns) {
              const value = row[column] ?? null;
              next[column] = value;
              if (value === null || !cipher.needsRotation(value)) continue;
              try {
                next[column] = cipher.encrypt(cipher.decrypt(value, qualified, row.id), qualified, row.id);
                summary.fieldsRotated++;
              } catch (error) {
                if (!(error instanceof FieldEncryptionError)) throw error;
                summary.failures.push({
                  table,
                  id: row.id,
                  column,
                  keyId: keyIdOf(value),
                  format: formatOf(value),
                  error: error.message,
                });
              }
            }
            return next;
          });
          if (!options.dryRun) {
            const params = [
              updates.map((u) => u.id),
              ...columns.map(({ column }) => updates.map((u) => u[column] ?? null)),
            ];
            await client.query(
              `update ${t} as target set ${cols.map((c) => `${c} = source.${c}`).join(", ")}
                 from unnest($1::uuid[], ${cols.map((_, i) => `$${i + 2}::text[]`).join(", ")}) as source(id, ${cols.join(", ")})
                where target.id = source.id
                  and (${cols.map((c) => `target.${c}`).join(", ")}) is distinct from (${cols.map((c) => `source.${c}`).join(", ")})`,
              params,
            );
          }
          await client.query(options.dryRun ? "rollback" : "commit");
          summary.batches++;
          logger.info(
            { table, batch: summary.batches, rows: rows.length, dryRun: options.dryRun ?? false },
            "rotated batch",
          );
        } catch (error) {
          await client.query("rollback").catch(() => undefined);
          throw error;
        }
      }
      const { rows } = await client.query<{ n: number }>(
        `select (${cols.map((c) => `count(*) filter (where ${c} is not null and not starts_with(${c}, $1))`).join(" + ")})::int as n from ${t}`,
        [prefix],
      );
      summary.remaining += rows[0]!.n;
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  for (const failure of summary.failures) logger.warn(failure, "field could not be decrypted; left as it is");
  return summary;
}

// ---------------------------------------------------------------------- CLI

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "batch-size": { type: "string", default: "500" },
      "dry-run": { type: "boolean", default: false },
      "generate-key": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      "Usage: npm run keys:rotate -- [--batch-size N] [--dry-run]\n" +
        "       npm run keys:rotate -- --generate-key <keyId>   print a new key for FIELD_ENCRYPTION_KEYS\n" +
        "Re-encrypts fields written with an older key, or in the old format v1 (column-bound only),\n" +
        "as format v2 (bound to column and row) under the first key of FIELD_ENCRYPTION_KEYS.\n",
    );
    return 0;
  }
  if (values["generate-key"] !== undefined) {
    const key = generateFieldKey(values["generate-key"]);
    process.stdout.write(
      `${key}\n\nPut it first in FIELD_ENCRYPTION_KEYS, keep the current keys after it, deploy, then run npm run keys:rotate.\n`,
    );
    return 0;
  }
  const batchSize = Number(values["batch-size"]);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    process.stderr.write("--batch-size must be an integer between 1 and 10000\n");
    return 2;
  }

  const config = loadConfig();
  const logger = createLogger(config);
  const cipher = createFieldCipher(config);
  const database = await resolveDatabase(config, logger);
  try {
    const summary = await rotateFieldKeys({
      adminUrl: database.adminUrl,
      cipher,
      logger,
      batchSize,
      dryRun: values["dry-run"],
    });
    const verb = values["dry-run"] ? "would re-encrypt" : "re-encrypted";
    process.stdout.write(
      `keys:rotate: ${verb} ${summary.fieldsRotated} field(s) in ${summary.rowsFound} row(s) under key "${summary.currentKeyId}" ` +
        `(${summary.batches} batch(es)); ${summary.failures.length} could not be decrypted; ${summary.remaining} left under other keys or in format v1.\n`,
    );
    return summary.failures.length > 0 ? 1 : 0;
  } finally {
    await database.stop();
  }
}

if (require.main === module) {
  runCli("keys:rotate", main, [ConfigError, FieldEncryptionError, RotationRefusedError]);
}
