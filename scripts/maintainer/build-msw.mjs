// Builds `pivot-payments-contract/msw` (runtime/msw/) from scripts/msw/handlers.ts: one ES module
// bundled with esbuild (the contract core, the sandbox, Hono and Ajv inside it), so the runtime package
// keeps no dependencies; `msw` stays the caller's (an optional peer) and the contract's own files are
// imported from generated/. Run by `npm run build` and by the runtime package's prepack.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { exportedFile, PACKAGE_NAME } from './package-exports.mjs';

const root = join(import.meta.dirname, '..', '..');
const out = join(root, 'runtime', 'msw');

/** `pivot-payments-contract/fixtures` → `../../generated/fixtures/index.js`, left as an import. */
const contractFiles = {
  name: 'contract-files',
  setup(builder) {
    builder.onResolve({ filter: new RegExp(`^${PACKAGE_NAME}(/.*)?$`) }, (args) => {
      try {
        return { path: `../../${exportedFile(args.path)}`, external: true }; // from runtime/msw/index.js
      } catch (error) {
        return { errors: [{ text: error.message }] };
      }
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
  // CommonJS inside the bundle (qrcode, for the hosted page's QRIS image) requires Node's built-ins: an
  // ES module has no `require`, so the bundle makes one.
  banner: {
    js: "import { createRequire as createRequireOfBundle } from 'node:module';\nconst require = createRequireOfBundle(import.meta.url);",
  },
  legalComments: 'eof',
  logLevel: 'warning',
});
copyFileSync(join(root, 'scripts', 'msw', 'index.d.ts'), join(out, 'index.d.ts'));
