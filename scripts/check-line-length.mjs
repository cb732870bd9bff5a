// Prettier wraps code at 120 columns but leaves long strings and comments alone: this catches those.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const LIMIT = 120;
const ROOTS = ['src', 'test', 'bench', 'migrations'];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|mjs|js)$/.test(name)) yield path;
  }
}

const long = [];
for (const root of ROOTS) {
  for (const path of files(root)) {
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        if (line.length > LIMIT) long.push(`${path}:${index + 1}: ${line.length} characters`);
      });
  }
}
if (long.length > 0) {
  console.error(`Lines longer than ${LIMIT} characters:\n${long.join('\n')}`);
  process.exit(1);
}
