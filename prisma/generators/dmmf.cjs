#!/usr/bin/env node
// A Prisma generator that writes the schema's DMMF datamodel (models, fields
// with dbName/nativeType/relations/defaults, enums, indexes) to JSON, for
// test/sql/drift.test.ts. Prisma's own `migrate diff` needs the native schema
// engine, which is not available everywhere; the DMMF comes from `generate`.
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { generatorHandler } = require("@prisma/generator-helper");

/**
 * The DMMF leaves out `Unsupported("…")` fields (Prisma cannot read or write
 * them), but they are columns all the same: read them from the schema text.
 */
function unsupportedFields(schema) {
  const fields = {};
  for (const [, model, body] of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    for (const [, name, type, modifier, rest] of body.matchAll(
      /^\s*(\w+)\s+Unsupported\("([^"]+)"\)(\?|\[\])?(.*)$/gm,
    )) {
      (fields[model] ??= []).push({
        name,
        dbName: rest.match(/@map\("([^"]+)"\)/)?.[1] ?? null,
        kind: "unsupported",
        type,
        isList: modifier === "[]",
        isRequired: modifier !== "?",
        hasDefaultValue: rest.includes("@default("),
        ...dbGeneratedDefault(rest),
      });
    }
  }
  return fields;
}

/** `@default(dbgenerated())` or `@default(dbgenerated("sql"))`, in the DMMF's shape. */
function dbGeneratedDefault(attributes) {
  const match = attributes.match(/@default\(dbgenerated\((?:"((?:[^"\\]|\\.)*)")?\)\)/);
  if (!match) return {};
  return {
    default: { name: "dbgenerated", args: match[1] === undefined ? [] : [JSON.parse(`"${match[1]}"`)] },
  };
}

generatorHandler({
  onManifest: () => ({
    prettyName: "DMMF (schema drift check)",
    defaultOutput: "../src/generated/dmmf.json",
  }),
  onGenerate: async (options) => {
    const output = options.generator.output?.value;
    if (!output) throw new Error("The dmmf generator needs an `output` path.");
    const document = {
      // Lets the drift test tell a stale file from a current one.
      schemaSha256: crypto.createHash("sha256").update(options.datamodel).digest("hex"),
      datamodel: {
        ...options.dmmf.datamodel,
        models: options.dmmf.datamodel.models.map((model) => ({
          ...model,
          fields: [...model.fields, ...(unsupportedFields(options.datamodel)[model.name] ?? [])],
        })),
      },
    };
    fs.mkdirSync(path.dirname(output), { recursive: true });
    fs.writeFileSync(output, JSON.stringify(document, null, 2) + "\n");
  },
});
