// Works around a crash in postgres.js 3.4.9 (porsager/postgres #1208, #1154; fixed upstream in
// unreleased PRs #1168/#1176/#1209): when the server goes away while a write is queued,
// `nextWrite` calls `socket.write` on a socket that is already gone and the TypeError kills the
// process. The patch makes that write fail the connection instead, which postgres.js reports to
// the query as CONNECTION_CLOSED. Idempotent; it says so and changes nothing if the code differs
// (a newer postgres.js): remove this script once a release carries the fix.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const before = `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)`;
const after = `  function nextWrite(fn) {
    if (!socket) { // patched by hindsight scripts/patch-postgres.mjs
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`;

for (const file of ['src', 'cjs/src', 'cf/src'].map((d) => `node_modules/postgres/${d}/connection.js`)) {
  if (!existsSync(file)) continue;
  const text = readFileSync(file, 'utf8');
  if (text.includes('patched by hindsight')) continue;
  if (!text.includes(before)) {
    console.warn(`patch-postgres: ${file} does not have the expected code; not patched`);
    continue;
  }
  writeFileSync(file, text.replace(before, after));
  console.log(`patch-postgres: patched ${file}`);
}
