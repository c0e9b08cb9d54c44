import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../project-root";

/** Where development-only secrets live (`.data/` is git-ignored). */
export function devSecretFile(name: string): string {
  return path.join(PROJECT_ROOT, ".data", name);
}

/**
 * A development secret kept in `file` (0600): read when it exists, otherwise
 * generated once. The new secret goes to a private temp file that is then
 * linked into place; link() fails when the file exists, so processes starting
 * together agree on one secret and none reads a half-written file.
 * `parse` returns null for a file without a usable secret.
 */
export function readOrCreateDevSecret<T>(
  file: string,
  generate: () => { text: string; value: T },
  parse: (text: string) => T | null,
): T {
  const existing = readSecret(file, parse);
  if (existing !== null) return existing;

  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const generated = generate();
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(temp, `${generated.text}\n`, { mode: 0o600, flag: "wx" });
  try {
    fs.linkSync(temp, file);
    return generated.value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const winner = readSecret(file, parse);
    if (winner === null) {
      throw new Error(`${file} exists but holds no usable secret; delete it to generate a new one`, {
        cause: error,
      });
    }
    return winner;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function readSecret<T>(file: string, parse: (text: string) => T | null): T | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return parse(text.trim());
}
