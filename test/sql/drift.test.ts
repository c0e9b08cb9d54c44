import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/db/migrator";
import { createTestDatabase, withAdminClient, type TestDatabase } from "../helpers/database";

/**
 * prisma/schema.prisma must describe the database that sql/migrations builds.
 * Prisma's `migrate diff` needs the native schema engine, so the Prisma side
 * is the DMMF written by prisma/generators/dmmf.cjs during `prisma generate`,
 * compared here with the catalog of a migrated database: tables, columns
 * (type, nullability, defaults), primary keys, unique constraints, foreign
 * keys, enums and declared indexes.
 */

const SCHEMA_FILE = path.join(PROJECT_ROOT, "prisma", "schema.prisma");
const DMMF_FILE = path.join(PROJECT_ROOT, "src", "generated", "dmmf.json");
const GENERATE = "npm run generate";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

test("src/generated/dmmf.json is generated from the current prisma/schema.prisma", () => {
  expect(fs.existsSync(DMMF_FILE) ? readDmmf().schemaSha256 : "missing").toBe(
    sha256(fs.readFileSync(SCHEMA_FILE, "utf8")),
  );
  // On failure: run `${GENERATE}`.
});

test("prisma/schema.prisma matches the migrated database", async () => {
  if (!fs.existsSync(DMMF_FILE)) throw new Error(`${DMMF_FILE} is missing: run \`${GENERATE}\``);
  const differences = compare(readDmmf().datamodel, await readCatalog(db.adminUrl));
  expect(differences).toEqual([]);
});

// ------------------------------------------------------------ Prisma side

/** The part of Prisma's DMMF datamodel this test reads. */
interface Datamodel {
  models: Model[];
  enums: { name: string; dbName?: string | null; values: { name: string; dbName?: string | null }[] }[];
  indexes: {
    model: string;
    type: "id" | "normal" | "unique" | "fulltext";
    algorithm?: string;
    fields: { name: string; sortOrder?: "asc" | "desc" }[];
  }[];
}
interface Model {
  name: string;
  dbName?: string | null;
  schema?: string | null;
  primaryKey?: { fields: string[] } | null;
  fields: Field[];
}
type DefaultValue = string | number | boolean | unknown[] | { name: string; args: unknown[] };
interface Field {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  type: string;
  nativeType?: [string, string[]] | null;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUpdatedAt?: boolean;
  default?: DefaultValue;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}

function readDmmf(): { schemaSha256: string; datamodel: Datamodel } {
  return JSON.parse(fs.readFileSync(DMMF_FILE, "utf8"));
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

// ---------------------------------------------------------- database side

interface Catalog {
  tables: Map<string, Table>;
  enums: Map<string, string[]>;
}
interface Table {
  columns: Map<string, Column>;
  primaryKey: string[] | null;
  uniques: string[][];
  foreignKeys: { columns: string[]; refTable: string; refColumns: string[]; onDelete: string }[];
  /** Plain indexes over columns; `column DESC` for descending keys. */
  indexes: { columns: string[]; method: string; unique: boolean }[];
}
interface Column {
  type: string;
  notNull: boolean;
  /** A default, identity or generation expression: the database supplies a value. */
  databaseValue: string | null;
  generated: boolean;
}

const ON_DELETE: Record<string, string> = {
  a: "NoAction",
  r: "Restrict",
  c: "Cascade",
  n: "SetNull",
  d: "SetDefault",
};

async function readCatalog(url: string): Promise<Catalog> {
  return withAdminClient(url, async (client) => {
    const tables = new Map<string, Table>();
    const table = (name: string) => tables.get(name)!;

    const { rows: tableRows } = await client.query<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p')`,
    );
    for (const { name } of tableRows) {
      tables.set(name, { columns: new Map(), primaryKey: null, uniques: [], foreignKeys: [], indexes: [] });
    }

    const { rows: columns } = await client.query<{
      table: string;
      column: string;
      type: string;
      not_null: boolean;
      expression: string | null;
      identity: boolean;
      generated: boolean;
    }>(
      `select c.relname as table, a.attname as column, a.attnotnull as not_null,
              pg_get_expr(d.adbin, d.adrelid) as expression, a.attidentity <> '' as identity, a.attgenerated <> '' as generated,
              case when b.typtype = 'e' then 'enum:' || b.typname else format_type(b.oid, a.atttypmod) end
                || case when t.typcategory = 'A' then '[]' else '' end as type
         from pg_attribute a
         join pg_class c on c.oid = a.attrelid
         join pg_namespace n on n.oid = c.relnamespace
         join pg_type t on t.oid = a.atttypid
         join pg_type b on b.oid = case when t.typcategory = 'A' then t.typelem else t.oid end
         left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped`,
    );
    for (const row of columns) {
      table(row.table).columns.set(row.column, {
        type: normaliseType(row.type),
        notNull: row.not_null,
        databaseValue: row.identity ? "identity" : row.expression,
        generated: row.generated,
      });
    }

    const { rows: constraints } = await client.query<{
      table: string;
      type: "p" | "u" | "f";
      columns: string[];
      ref_table: string | null;
      ref_columns: string[] | null;
      on_delete: string;
    }>(
      `select c.relname as table, con.contype as type,
              array(select a.attname::text from unnest(con.conkey) with ordinality k(attnum, i)
                      join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum order by k.i) as columns,
              rc.relname as ref_table,
              array(select a.attname::text from unnest(con.confkey) with ordinality k(attnum, i)
                      join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum order by k.i) as ref_columns,
              con.confdeltype as on_delete
         from pg_constraint con
         join pg_class c on c.oid = con.conrelid
         join pg_namespace n on n.oid = c.relnamespace
         left join pg_class rc on rc.oid = con.confrelid
        where n.nspname = 'public' and con.contype in ('p', 'u', 'f')`,
    );
    for (const row of constraints) {
      const target = table(row.table);
      if (row.type === "p") target.primaryKey = row.columns;
      if (row.type === "u") target.uniques.push(row.columns);
      if (row.type === "f") {
        target.foreignKeys.push({
          columns: row.columns,
          refTable: row.ref_table!,
          refColumns: row.ref_columns!,
          onDelete: ON_DELETE[row.on_delete] ?? row.on_delete,
        });
      }
    }

    // Indexes over plain columns without a predicate: what Prisma can express.
    const { rows: indexes } = await client.query<{
      table: string;
      columns: string[];
      method: string;
      unique: boolean;
    }>(
      `select c.relname as table, am.amname as method, i.indisunique as unique,
              array(select a.attname || case when i.indoption[k.i - 1] & 1 = 1 then ' DESC' else '' end
                      from unnest(i.indkey::int2[]) with ordinality k(attnum, i)
                      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                     where k.i <= i.indnkeyatts order by k.i) as columns
         from pg_index i
         join pg_class c on c.oid = i.indrelid
         join pg_namespace n on n.oid = c.relnamespace
         join pg_class ic on ic.oid = i.indexrelid
         join pg_am am on am.oid = ic.relam
        where n.nspname = 'public' and not i.indisprimary and i.indpred is null
          and not (0 = any (i.indkey::int2[]))
          and not exists (select from pg_constraint con where con.conindid = i.indexrelid)`,
    );
    for (const row of indexes) {
      table(row.table).indexes.push({ columns: row.columns, method: row.method, unique: row.unique });
      if (row.unique)
        table(row.table).uniques.push(row.columns.map((column) => column.replace(/ DESC$/, "")));
    }

    const { rows: enums } = await client.query<{ name: string; labels: string[] }>(
      `select t.typname as name, array_agg(e.enumlabel::text order by e.enumsortorder) as labels
         from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
        where n.nspname = 'public' group by t.typname`,
    );
    return { tables, enums: new Map(enums.map((row) => [row.name, row.labels])) };
  });
}

// ------------------------------------------------------------- comparison

function compare(datamodel: Datamodel, catalog: Catalog): string[] {
  const differences: string[] = [];
  const models = new Map(datamodel.models.map((model) => [model.name, model]));
  const enumTypes = new Map(datamodel.enums.map((e) => [e.name, e]));
  const tableOf = (model: Model) => model.dbName ?? model.name;
  const columnOf = (model: Model, fieldName: string) => {
    const field = model.fields.find((f) => f.name === fieldName);
    return field ? (field.dbName ?? field.name) : `<unknown field ${fieldName}>`;
  };

  for (const model of datamodel.models) {
    if (model.schema && model.schema !== "public")
      differences.push(`model ${model.name}: schema ${model.schema} is not checked`);
  }

  // Models and tables, both ways.
  const modelTables = new Set(datamodel.models.map(tableOf));
  for (const name of catalog.tables.keys()) {
    if (!modelTables.has(name)) differences.push(`table ${name}: no Prisma model maps to it`);
  }

  for (const model of datamodel.models) {
    const tableName = tableOf(model);
    const table = catalog.tables.get(tableName);
    if (!table) {
      differences.push(`model ${model.name}: table ${tableName} does not exist`);
      continue;
    }
    const where = (column?: string) => (column ? `${tableName}.${column}` : tableName);

    // Scalar fields and columns, both ways.
    const scalars = model.fields.filter((field) => field.kind !== "object");
    const fieldColumns = new Set(scalars.map((field) => field.dbName ?? field.name));
    for (const name of table.columns.keys()) {
      if (!fieldColumns.has(name))
        differences.push(`${where(name)}: column has no field in model ${model.name}`);
    }
    for (const field of scalars) {
      const name = field.dbName ?? field.name;
      const column = table.columns.get(name);
      if (!column) {
        differences.push(`${where(name)}: column does not exist (field ${model.name}.${field.name})`);
        continue;
      }
      const expected = expectedType(field, enumTypes);
      if (expected !== column.type)
        differences.push(`${where(name)}: type is ${column.type}, Prisma says ${expected}`);
      // Prisma cannot express an optional list: `String[]` may be either.
      if (!field.isList && field.isRequired !== column.notNull) {
        differences.push(
          `${where(name)}: ${column.notNull ? "NOT NULL" : "nullable"}, Prisma says ${field.isRequired ? "required" : "optional"}`,
        );
      }
      const defaultDifference = compareDefault(field, column, enumTypes);
      if (defaultDifference) differences.push(`${where(name)}: ${defaultDifference}`);
    }

    // Primary key.
    const primaryKey =
      model.primaryKey?.fields ?? model.fields.filter((field) => field.isId).map((field) => field.name);
    const expectedKey = primaryKey.map((name) => columnOf(model, name));
    if (!sameList(expectedKey, table.primaryKey ?? [])) {
      differences.push(
        `${where()}: primary key is (${(table.primaryKey ?? []).join(", ")}), Prisma says (${expectedKey.join(", ")})`,
      );
    }

    // Unique constraints and unique indexes, both ways (they change what a write may do).
    const modelIndexes = datamodel.indexes.filter((index) => index.model === model.name);
    const expectedUniques = modelIndexes
      .filter((index) => index.type === "unique")
      .map((index) => index.fields.map((f) => columnOf(model, f.name)));
    for (const unique of expectedUniques) {
      if (!table.uniques.some((actual) => sameSet(actual, unique))) {
        differences.push(`${where()}: no unique constraint on (${unique.join(", ")}) declared by Prisma`);
      }
    }
    for (const unique of table.uniques) {
      if (!expectedUniques.some((expected) => sameSet(expected, unique))) {
        differences.push(
          `${where()}: unique (${unique.join(", ")}) is not declared in Prisma (@unique / @@unique)`,
        );
      }
    }

    // Indexes declared with @@index. (Indexes only in SQL, like partial ones, are fine.)
    for (const index of modelIndexes.filter((i) => i.type === "normal")) {
      const columns = index.fields.map(
        (f) => columnOf(model, f.name) + (f.sortOrder === "desc" ? " DESC" : ""),
      );
      const method = (index.algorithm ?? "BTree").toLowerCase();
      if (!table.indexes.some((actual) => sameList(actual.columns, columns) && actual.method === method)) {
        differences.push(`${where()}: no ${method} index on (${columns.join(", ")}) declared by @@index`);
      }
    }

    // Foreign keys, both ways.
    const relations = model.fields.filter(
      (field) => field.kind === "object" && field.relationFromFields?.length,
    );
    for (const relation of relations) {
      const target = models.get(relation.type);
      const columns = relation.relationFromFields!.map((name) => columnOf(model, name));
      const expected = {
        refTable: target ? tableOf(target) : `<unknown model ${relation.type}>`,
        refColumns: relation.relationToFields!.map((name) => (target ? columnOf(target, name) : name)),
        // Prisma's defaults when the schema names no action.
        onDelete: relation.relationOnDelete ?? (relation.isRequired ? "Restrict" : "SetNull"),
      };
      const actual = table.foreignKeys.find((fk) => sameList(fk.columns, columns));
      if (!actual) {
        differences.push(
          `${where()}: no foreign key on (${columns.join(", ")}) for relation ${model.name}.${relation.name}`,
        );
      } else if (actual.refTable !== expected.refTable || !sameList(actual.refColumns, expected.refColumns)) {
        differences.push(
          `${where()}: foreign key (${columns.join(", ")}) references ${actual.refTable}(${actual.refColumns.join(", ")}), ` +
            `Prisma says ${expected.refTable}(${expected.refColumns.join(", ")})`,
        );
      } else if (actual.onDelete !== expected.onDelete) {
        differences.push(
          `${where()}: foreign key (${columns.join(", ")}) on delete ${actual.onDelete}, Prisma says ${expected.onDelete}`,
        );
      }
    }
    for (const fk of table.foreignKeys) {
      const declared = relations.some((relation) =>
        sameList(
          relation.relationFromFields!.map((name) => columnOf(model, name)),
          fk.columns,
        ),
      );
      if (!declared)
        differences.push(
          `${where()}: foreign key (${fk.columns.join(", ")}) → ${fk.refTable} has no Prisma relation`,
        );
    }
  }

  // Enums, both ways, values in order.
  for (const prismaEnum of datamodel.enums) {
    const name = prismaEnum.dbName ?? prismaEnum.name;
    const labels = catalog.enums.get(name);
    const expected = prismaEnum.values.map((value) => value.dbName ?? value.name);
    if (!labels) differences.push(`enum ${name}: type does not exist (enum ${prismaEnum.name})`);
    else if (!sameList(labels, expected))
      differences.push(
        `enum ${name}: values are (${labels.join(", ")}), Prisma says (${expected.join(", ")})`,
      );
  }
  const enumNames = new Set(datamodel.enums.map((e) => e.dbName ?? e.name));
  for (const name of catalog.enums.keys()) {
    if (!enumNames.has(name)) differences.push(`enum ${name}: no Prisma enum maps to it`);
  }

  return differences.sort();
}

/** The Postgres type Prisma maps a field to, in the catalog's spelling (see normaliseType). */
function expectedType(field: Field, enums: Map<string, Datamodel["enums"][number]>): string {
  const list = field.isList ? "[]" : "";
  if (field.kind === "enum") return `enum:${enums.get(field.type)?.dbName ?? field.type}${list}`;
  if (field.kind === "unsupported") return normaliseType(field.type) + list;
  const [native, args = []] = field.nativeType ?? [];
  const sized = (name: string) => (args.length ? `${name}(${args.join(",")})` : name);
  const byType: Record<string, () => string | undefined> = {
    String: () =>
      ({
        Text: "text",
        Uuid: "uuid",
        Citext: "citext",
        Inet: "inet",
        Xml: "xml",
        VarChar: sized("character varying"),
        Char: args.length ? sized("character") : "character(1)",
        Bit: sized("bit"),
        VarBit: sized("bit varying"),
      })[native ?? "Text"],
    Int: () => ({ Integer: "integer", SmallInt: "smallint", Oid: "oid" })[native ?? "Integer"],
    BigInt: () => "bigint",
    Float: () => ({ DoublePrecision: "double precision", Real: "real" })[native ?? "DoublePrecision"],
    Decimal: () => (native === "Money" ? "money" : native ? sized("numeric") : "numeric(65,30)"),
    Boolean: () => "boolean",
    DateTime: () =>
      ({
        Timestamp: `${sized("timestamp")} without time zone`,
        Timestamptz: `${sized("timestamp")} with time zone`,
        Date: "date",
        Time: `${sized("time")} without time zone`,
        Timetz: `${sized("time")} with time zone`,
      })[native ?? ""] ?? "timestamp(3) without time zone",
    Json: () => (native === "Json" ? "json" : "jsonb"),
    Bytes: () => "bytea",
  };
  const type = byType[field.type]?.();
  return type ? normaliseType(type) + list : `<no mapping for ${field.type} ${native ?? ""}>`;
}

/** One spelling per type: no spaces after commas, no schema prefix, precision 6 (the default) left out. */
function normaliseType(type: string): string {
  return type
    .toLowerCase()
    .replace(/\s*,\s*/g, ",")
    .replace(/^(?:"?[a-z_][a-z0-9_]*"?\.)(?=[a-z_"])/, "")
    .replace(/^(timestamp|time)\(6\)/, "$1");
}

/**
 * Prisma leaves a field out of an INSERT when it has a default, trusting the
 * database to fill it in: both sides must agree that there is one, and on
 * its value where Prisma states one.
 */
function describeDefault(value: DefaultValue): string {
  if (typeof value === "object" && !Array.isArray(value))
    return `${value.name}(${value.args.map((a) => JSON.stringify(a)).join(", ")})`;
  return JSON.stringify(value);
}

function compareDefault(
  field: Field,
  column: Column,
  enums: Map<string, Datamodel["enums"][number]>,
): string | null {
  const value = field.default;
  const clientSide =
    typeof value === "object" &&
    !Array.isArray(value) &&
    ["uuid", "cuid", "nanoid", "ulid"].includes(value.name);
  if (value === undefined || clientSide) {
    if (column.databaseValue !== null && !field.isUpdatedAt) {
      return `${column.generated ? "generated column" : `default ${column.databaseValue}`} unknown to Prisma (add @default(dbgenerated(…)))`;
    }
    return null;
  }
  if (column.databaseValue === null)
    return `Prisma expects a database default (${describeDefault(value)}), the column has none`;
  if (column.generated) {
    const isDbGenerated = typeof value === "object" && !Array.isArray(value) && value.name === "dbgenerated";
    return isDbGenerated ? null : `generated column, Prisma says @default(${describeDefault(value)})`;
  }

  const actual = column.databaseValue;
  if (typeof value === "object" && !Array.isArray(value)) {
    const sql = value.args[0];
    if (value.name === "dbgenerated") {
      return typeof sql !== "string" || squeeze(sql) === squeeze(actual)
        ? null
        : `default is ${actual}, Prisma says dbgenerated(${sql})`;
    }
    if (value.name === "now")
      return /^(now\(\)|current_timestamp)$/i.test(actual) ? null : `default is ${actual}, Prisma says now()`;
    if (value.name === "autoincrement")
      return /^nextval\(|^identity$/.test(actual)
        ? null
        : `default is ${actual}, Prisma says autoincrement()`;
    return null;
  }
  const literal = sqlLiteral(actual);
  const enumValue =
    field.kind === "enum" ? enums.get(field.type)?.values.find((v) => v.name === value) : undefined;
  const expected = Array.isArray(value)
    ? `{${value.join(",")}}`
    : enumValue
      ? (enumValue.dbName ?? enumValue.name)
      : String(value);
  const same =
    literal === expected ||
    (field.type === "Json" && jsonEqual(literal, expected)) ||
    (["Int", "BigInt", "Float", "Decimal"].includes(field.type) && Number(literal) === Number(expected));
  return same ? null : `default is ${actual}, Prisma says ${describeDefault(value)}`;
}

/** `'text'::type`, `(42)::numeric`, `true` → the literal's text. */
function sqlLiteral(expression: string): string {
  let text = expression.trim();
  for (;;) {
    const withoutCast = text.replace(/::[a-z_ ."[\]()0-9,]+$/i, "").trim();
    const withoutParens = /^\((.*)\)$/s.exec(withoutCast)?.[1] ?? withoutCast;
    if (withoutParens === text) break;
    text = withoutParens;
  }
  const quoted = /^'(.*)'$/s.exec(text);
  return quoted ? quoted[1]!.replace(/''/g, "'") : text;
}

function jsonEqual(a: string, b: string): boolean {
  // Key order is not significant (jsonb does not keep it).
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === "object"
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([x], [y]) => (x < y ? -1 : 1))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  try {
    return JSON.stringify(canonical(JSON.parse(a))) === JSON.stringify(canonical(JSON.parse(b)));
  } catch {
    return false;
  }
}

function squeeze(sql: string): string {
  return sql.replace(/\s+/g, " ").trim().toLowerCase();
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((value) => b.includes(value));
}
