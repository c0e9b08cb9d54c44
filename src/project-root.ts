import fs from "node:fs";
import path from "node:path";

/**
 * The directory holding package.json: the same from src/ (tsx) and from
 * dist/src/ (compiled), whatever the working directory.
 */
export const PROJECT_ROOT = findProjectRoot(__dirname);

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${start}`);
  }
}
