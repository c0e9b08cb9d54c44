import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "../project-root";

/**
 * Where development-only secrets live: `.data/secrets/` (0700; `.data/` is
 * git-ignored). Not `.data/` itself, which must stay enterable by the
 * `postgres` system user that runs the embedded cluster below it as root.
 */
const SECRETS_DIR = path.join(PROJECT_ROOT, ".data", "secrets");

export function devSecretFile(name: string): string {
  return path.join(SECRETS_DIR, name);
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
  adoptLegacySecret(file);
  const existing = readSecret(file, parse);
  if (existing !== null) return existing;

  // `.data/` as any directory (the umask decides), `secrets/` private.
  fs.mkdirSync(path.dirname(path.dirname(file)), { recursive: true });
  fs.mkdirSync(path.dirname(file), { mode: 0o700, recursive: true });
  fs.chmodSync(path.dirname(file), 0o700);
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

/**
 * Checkouts from before `.data/secrets/` kept the secret in `.data/` itself:
 * moved into place (same file system, so a rename), keeping the keys that
 * encrypted the existing data.
 */
function adoptLegacySecret(file: string): void {
  const legacy = path.join(path.dirname(path.dirname(file)), path.basename(file));
  if (!fs.existsSync(legacy) || fs.existsSync(file)) return;
  fs.mkdirSync(path.dirname(file), { mode: 0o700, recursive: true });
  fs.renameSync(legacy, file);
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
