#!/usr/bin/env node
// The `pivot-contract` command. A file of its own (not the build output itself) so that npm can link
// the bin in a fresh clone before `prepare` has built packages/cli/dist.
try {
  await import('../dist/scripts/cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/scripts/cli.js')) throw error;
  console.error('pivot-contract is not built: run `npm run build` in the repository');
  process.exitCode = 1;
}
