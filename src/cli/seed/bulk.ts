import type pg from "pg";

/**
 * Multi-row inserts for the seed: `insert into t (...) select ... from
 * unnest($1::uuid[], $2::text[], ...)`, one array parameter per column, a few
 * thousand rows per statement. One statement per batch keeps the round trips
 * and the per-statement planning negligible; no extra package (COPY would
 * need pg-copy-streams) and every value still goes through parameters.
 *
 * Batches overlap with generation: the generator builds the next batch while
 * Postgres inserts the previous one (the two cores of a small machine both
 * work). At most `maxInFlight` batches wait, which bounds memory.
 */

/** Scalar column types, or `<type>[]` for an array column. Enum names are scalar types too. */
export type ColumnType = string;

export type Value =
  | string
  | number
  | boolean
  | Date
  | null
  | undefined
  | readonly string[]
  | Record<string, unknown>
  | readonly unknown[];

interface PreparedColumn {
  name: string;
  /** Type of the unnest parameter. */
  paramType: string;
  /** Expression turning the unnested element into the column's value. */
  select: string;
  encode: (value: Value) => unknown;
}

export interface BulkLoaderOptions {
  batchSize?: number;
  maxInFlight?: number;
}

export class BulkLoader {
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly inFlight: Promise<unknown>[] = [];
  private readonly writers: TableWriter<Record<string, Value>>[] = [];
  private firstError: unknown;
  private tail: Promise<unknown> = Promise.resolve();
  readonly counts = new Map<string, number>();

  constructor(
    private readonly client: pg.ClientBase,
    options: BulkLoaderOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 5_000;
    this.maxInFlight = options.maxInFlight ?? 2;
  }

  /**
   * A writer for `table`; `columns` maps each column to its Postgres type.
   * Rows must name exactly these columns (a typo or a missing column is a
   * type error, not a silent NULL). `select` replaces a column's value by an
   * SQL expression over the unnested row (`u.<column>`), for values derived
   * at insert time.
   */
  table<const C extends Record<string, ColumnType>>(
    table: string,
    columns: C,
    select: Partial<Record<keyof C & string, string>> = {},
  ): TableWriter<{ [K in keyof C]: Value }> {
    const writer = new TableWriter<{ [K in keyof C]: Value }>(this, table, columns, select, this.batchSize);
    this.writers.push(writer as unknown as TableWriter<Record<string, Value>>);
    return writer;
  }

  /** Sends every buffered row and waits for all of them. */
  async flush(): Promise<void> {
    for (const writer of this.writers) writer.flushPending();
    await Promise.all(this.inFlight.splice(0));
    if (this.firstError) throw this.firstError;
  }

  /** @internal */
  send(table: string, sql: string, params: unknown[], rows: number): void {
    if (this.firstError) throw this.firstError;
    // Chained, not queued inside node-postgres (deprecated there): each batch
    // is sent the moment the previous one completes.
    const query = this.tail
      .then(() => (this.firstError ? undefined : this.client.query(sql, params)))
      .then(
        () => this.counts.set(table, (this.counts.get(table) ?? 0) + rows),
        (error: unknown) => {
          this.firstError ??= Object.assign(error as Error, {
            message: `inserting into ${table}: ${(error as Error).message}`,
          });
        },
      );
    this.tail = query;
    this.inFlight.push(query);
  }

  /** Lets the oldest batches finish when too many are queued. Generators await this between batches. */
  async backpressure(): Promise<void> {
    while (this.inFlight.length >= this.maxInFlight) await this.inFlight.shift();
    if (this.firstError) throw this.firstError;
  }
}

export class TableWriter<Row extends Record<string, Value>> {
  private readonly columns: PreparedColumn[];
  private readonly keys: (keyof Row & string)[];
  private buffers: unknown[][];
  private length = 0;
  private readonly sql: string;

  constructor(
    private readonly loader: BulkLoader,
    private readonly table: string,
    columns: Record<keyof Row & string, ColumnType>,
    select: Partial<Record<keyof Row & string, string>>,
    private readonly batchSize: number,
  ) {
    this.keys = Object.keys(columns) as (keyof Row & string)[];
    this.columns = this.keys.map((name) => {
      const column = prepareColumn(name, columns[name]);
      const expression = select[name];
      return expression ? { ...column, select: expression } : column;
    });
    this.buffers = this.columns.map(() => []);
    const names = this.columns.map((column) => quoteIdent(column.name)).join(", ");
    const params = this.columns.map((column, index) => `$${index + 1}::${column.paramType}`).join(", ");
    const selects = this.columns.map((column) => column.select).join(", ");
    this.sql = `insert into ${quoteIdent(table)} (${names}) select ${selects} from unnest(${params}) as u(${names})`;
  }

  /** Buffers a row; returns a promise only when the loader wants the generator to wait. */
  add(row: Row): Promise<void> | undefined {
    for (let i = 0; i < this.columns.length; i++) {
      const column = this.columns[i]!;
      this.buffers[i]!.push(column.encode(row[this.keys[i]!]));
    }
    this.length++;
    if (this.length >= this.batchSize) {
      this.flushPending();
      return this.loader.backpressure();
    }
    return undefined;
  }

  /** @internal */
  flushPending(): void {
    if (this.length === 0) return;
    const params = this.buffers;
    const rows = this.length;
    this.buffers = this.columns.map(() => []);
    this.length = 0;
    this.loader.send(this.table, this.sql, params, rows);
  }
}

function prepareColumn(name: string, type: ColumnType): PreparedColumn {
  const column = `u.${quoteIdent(name)}`;
  if (type.endsWith("[]")) {
    // unnest() would flatten a two-dimensional array: ship each row's array
    // as its text literal and cast it back per row.
    return {
      name,
      paramType: "text[]",
      select: `${column}::${type}`,
      encode: (value) => (value == null ? null : arrayLiteral(value as readonly string[])),
    };
  }
  if (type === "jsonb") {
    return {
      name,
      paramType: "jsonb[]",
      select: column,
      encode: (value) => (value == null ? null : JSON.stringify(value)),
    };
  }
  if (type === "timestamptz") {
    return {
      name,
      paramType: "timestamptz[]",
      select: column,
      encode: (value) => (value instanceof Date ? value.toISOString() : (value ?? null)),
    };
  }
  return { name, paramType: `${type}[]`, select: column, encode: (value) => value ?? null };
}

/** A Postgres array literal of text elements: every element quoted, `"` and `\` escaped. */
export function arrayLiteral(values: readonly string[]): string {
  if (values.length === 0) return "{}";
  return `{${values.map((value) => `"${String(value).replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
