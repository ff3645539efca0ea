// Builds `pivot-payments-contract/msw` (runtime/msw/) from scripts/msw/handlers.ts: one ES module
// bundled with esbuild (the contract core, the sandbox, Hono and Ajv inside it), so the runtime package
// keeps no dependencies; `msw` stays the caller's (an optional peer) and the contract's own files are
// imported from generated/. Run by `npm run build` and by the runtime package's prepack.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');
const out = join(root, 'runtime', 'msw');
const { exports } = JSON.parse((await import('node:fs')).readFileSync(join(root, 'package.json'), 'utf8'));

/** `pivot-payments-contract/fixtures` → `../../generated/fixtures/index.js`, left as an import. */
const contractFiles = {
  name: 'contract-files',
  setup(builder) {
    builder.onResolve({ filter: /^pivot-payments-contract(\/.*)?$/ }, (args) => {
      const entry = exports[`.${args.path.slice('pivot-payments-contract'.length)}`];
      const file = typeof entry === 'string' ? entry : entry?.default;
      if (!file) return { errors: [{ text: `${args.path} is not exported by pivot-payments-contract` }] };
      return { path: `../.${file.slice(1)}`.replace(/^\.\.\/\.\//, '../../'), external: true };
    });
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, 'scripts', 'msw', 'handlers.ts')],
  outfile: join(out, 'index.js'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['msw'],
  plugins: [contractFiles],
  legalComments: 'eof',
  logLevel: 'warning',
});
copyFileSync(join(root, 'scripts', 'msw', 'index.d.ts'), join(out, 'index.d.ts'));
