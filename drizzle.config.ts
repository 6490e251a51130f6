import { defineConfig } from 'drizzle-kit';

// `drizzle-kit generate` diffs src/db/schema.ts against migrations/meta and needs no database.
// The same migrations folder is applied at start to PGlite and to PostgreSQL (src/db/client.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './migrations',
  casing: 'snake_case',
  strict: true,
});
