import { canEnter, type SystemUser } from "../../src/db/cluster-directory";

const postgres: SystemUser = { name: "postgres", uid: 105, gids: [110, 120] };
const directory = (uid: number, gid: number, mode: number) => ({ uid, gid, mode: 0o040000 | mode });

test.each([
  ["owned by root, 0700 (/root, an old .data/)", directory(0, 0, 0o700), false],
  ["owned by root, 0755", directory(0, 0, 0o755), true],
  ["owned by root, 0711 (search only)", directory(0, 0, 0o711), true],
  ["owned by root, group postgres, 0750", directory(0, 110, 0o750), true],
  ["owned by root, a supplementary group of postgres, 0710", directory(0, 120, 0o710), true],
  ["owned by root, another group, 0750", directory(0, 5, 0o750), false],
  ["owned by postgres, 0700 (a cluster directory)", directory(105, 110, 0o700), true],
  ["owned by postgres without its own search bit, 0077", directory(105, 110, 0o077), false],
  ["group postgres without the group bit, 0705", directory(0, 110, 0o705), false],
])("the postgres user may enter a directory %s: %s", (_, stat, expected) => {
  expect(canEnter(stat, postgres)).toBe(expected);
});
