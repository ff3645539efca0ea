// fast-json-patch ships its ESM build as index.mjs without a matching declaration file; tsx would
// otherwise load the package's TypeScript sources (index.ts), which don't resolve.
declare module 'fast-json-patch/index.mjs' {
  export * from 'fast-json-patch';
}
