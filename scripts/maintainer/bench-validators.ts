/**
 * Bench sections (a) and (b): validating against `JSON.parse` of the same document, and importing the
 * standalone validators against compiling the same schemas with Ajv at runtime.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { REPO_ROOT } from '../../generators/spec/package-root.ts';
import { schemaExamples } from '../../generated/fixtures/index.js';
import { schemaNames, tolerantSchemaNames, validate } from '../../generated/validators/index.js';
import * as strictModule from '../../generated/validators/strict.js';
import { rules } from '../../generated/validators/rules.js';
import { deeperThan, toViolations } from '../../generated/validators/violations.js';
import { compareOps, formatDuration, median, runChild, scratch, type BenchSection, type Figure } from './bench-measure.ts';

// ---- (a) validate vs JSON.parse --------------------------------------------------------------

/** The figures of section (a): each against JSON.parse of the same document, measured in one interleaved run. */
const VALIDATION_TARGETS = { valid: 0.5, error: 0.6 };

export const validationVsParse: BenchSection = {
  title: "(a) validate('PaymentSession') vs JSON.parse of the same document, and its parts",
  async run(log) {
    const document = schemaExamples.PaymentSession['payment-session-object'] as unknown as Record<string, unknown>;
    const text = JSON.stringify(document);
    // The error path: one wrong type. Tolerant with one tolerated deviation: a property the contract does not know.
    const broken = { ...document, id: 12345 };
    const extended = { ...document, addedByPivotLater: 'x' };
    if (!validate('PaymentSession', document).valid) throw new Error('the Payment Session object page example does not validate');
    const brokenResult = validate('PaymentSession', broken);
    if (brokenResult.valid || brokenResult.errors.length !== 1)
      throw new Error('the error-path document must have one violation');
    const tolerated = validate('PaymentSession', extended, { mode: 'tolerant' });
    if (!tolerated.valid || !tolerated.warnings?.length) throw new Error('the tolerated deviation must be a warning');
    const ajvStrict = (strictModule as Record<string, ((data: unknown) => boolean) & { errors?: unknown[] | null }>)
      .PaymentSession!;
    // The error path's parts: the Ajv function collecting its error, then the error made a violation.
    const ajvOnBroken = () => {
      const valid = ajvStrict(broken);
      const errors = ajvStrict.errors;
      ajvStrict.errors = null;
      return { valid, errors };
    };
    const brokenErrors = ajvOnBroken().errors as Parameters<typeof toViolations>[0];
    log(`document: schemaExamples.PaymentSession['payment-session-object'], ${Buffer.byteLength(text)} bytes of JSON`);
    log(`error path: the same with "id": 12345 (one violation); tolerated: with one unknown property (one warning)`);
    log(
      `depth walk before validating PaymentSession: ${walkedStrictNames().includes('PaymentSession') ? 'yes' : 'no (its schema cannot recurse and closes every object)'}`,
    );
    const results = compareOps({
      'JSON.parse': () => (JSON.parse(text) as { id: string }).id.length,
      'validate strict': () => (validate('PaymentSession', document).valid ? 1 : 0),
      'validate tolerant': () => (validate('PaymentSession', document, { mode: 'tolerant' }).valid ? 1 : 0),
      'validate error path': () => (validate('PaymentSession', broken).valid ? 1 : 0),
      'tolerated deviation': () => (validate('PaymentSession', extended, { mode: 'tolerant' }).valid ? 1 : 0),
      'Ajv function alone': () => (ajvStrict(document) ? 1 : 0),
      'Ajv, error path': () => (ajvOnBroken().valid ? 1 : 0),
      toViolations: () => toViolations(brokenErrors, rules).length,
      'depth walk': () => (deeperThan(document) === undefined ? 1 : 0),
    });
    for (const [name, result] of Object.entries(results)) {
      log(
        `${name.padEnd(20)} ${formatDuration(result.nsPerOp).padStart(10)}/op  (median of ${result.batches} batches × ${result.iterations})`,
      );
    }
    const parse = results['JSON.parse']!.nsPerOp;
    const figure = (name: string, label: string, target?: number): Figure => {
      const cost = results[name]!.nsPerOp;
      return {
        label: `${label} / JSON.parse`,
        measured: `${formatDuration(cost)} / ${formatDuration(parse)} per op`,
        ratio: cost / parse,
        ...(target === undefined ? {} : { target: `≤ ${target}×`, met: cost / parse <= target }),
      };
    };
    return [
      figure('validate strict', "validate('PaymentSession') strict", VALIDATION_TARGETS.valid),
      figure('validate tolerant', "validate('PaymentSession') tolerant", VALIDATION_TARGETS.valid),
      figure('validate error path', 'the error path (one violation)', VALIDATION_TARGETS.error),
      figure('tolerated deviation', 'tolerant, one tolerated deviation'),
      figure('Ajv function alone', 'of which the Ajv function'),
      figure('Ajv, error path', 'of the error path, the Ajv function'),
      figure('toViolations', 'of the error path, its error made a violation (toViolations)'),
      figure('depth walk', 'the depth walk (deeperThan), paid only where a schema needs it'),
    ];
  },
};

/** The schemas whose validators walk the data's depth first, read from the generated module. */
function walkedStrictNames(): string[] {
  const source = readFileSync(resolve(REPO_ROOT, 'generated/validators/index.js'), 'utf8');
  return JSON.parse(/const walkedStrict = \/\* @__PURE__ \*\/ new Set\((\[.*?\])\);/.exec(source)?.[1] ?? '[]') as string[];
}

// ---- (b) import standalone vs compile at runtime ---------------------------------------------

const IMPORT_RUNS = 7;

const IMPORT_CHILD = `
const url = process.argv[1];
const start = process.hrtime.bigint();
const validators = await import(url);
const end = process.hrtime.bigint();
if (validators.schemaNames.length === 0) throw new Error('no validators');
console.log(JSON.stringify({ ns: Number(end - start) }));
`;

/**
 * Loads Ajv (timed), then the schema-set helpers (not timed: a plain-JS transpilation of
 * generators/spec/schema-set.ts, so the child runs on plain node like the import child), then compiles
 * every schema the standalone modules hold, as the validators generator does: one Ajv per mode,
 * every resource added, the exported schemas compiled (timed).
 */
const COMPILE_CHILD = `
import { readFileSync } from 'node:fs';
const [schemaSetUrl, specPath, namesPath] = process.argv.slice(1);
const t0 = process.hrtime.bigint();
await import('ajv/dist/2020.js');
await import('ajv-formats');
const t1 = process.hrtime.bigint();
const { createAjv, toSchemaResources, resourceId } = await import(schemaSetUrl);
const schemas = JSON.parse(readFileSync(specPath, 'utf8')).components.schemas;
const names = JSON.parse(readFileSync(namesPath, 'utf8'));
const t2 = process.hrtime.bigint();
let compiled = 0;
for (const mode of ['strict', 'tolerant']) {
  const ajv = createAjv();
  ajv.addSchema(toSchemaResources(schemas, mode));
  for (const name of names[mode]) {
    if (typeof ajv.getSchema(resourceId(name, mode)) !== 'function') throw new Error('not compiled: ' + name);
    compiled++;
  }
}
const t3 = process.hrtime.bigint();
console.log(JSON.stringify({ ns: Number(t1 - t0) + Number(t3 - t2), loadNs: Number(t1 - t0), compileNs: Number(t3 - t2), compiled }));
`;

/**
 * generators/spec/schema-set.ts as plain ESM, next to node_modules so that it resolves ajv; the
 * TypeScript modules it imports (generators/spec/depth.ts) are transpiled beside it.
 */
function transpiledSchemaSet(): string {
  const dir = resolve(REPO_ROOT, 'node_modules', '.cache', 'pivot-contract-bench');
  mkdirSync(dir, { recursive: true });
  const transpile = (file: string): string => {
    const source = readFileSync(file, 'utf8');
    const local = [...source.matchAll(/^import\s[^'"]*['"](\.[^'"]+)['"]/gm)].map((match) => match[1]!);
    const target = (specifier: string) => {
      const absolute = resolve(dirname(file), specifier);
      // A TypeScript module becomes its transpiled twin; plain-JS ones (generators/runtime/*.js) are imported from where they are.
      return pathToFileURL(specifier.endsWith('.ts') ? transpile(absolute) : absolute).href;
    };
    const rewritten = local.reduce((text, specifier) => text.replaceAll(`'${specifier}'`, `'${target(specifier)}'`), source);
    const { outputText } = ts.transpileModule(rewritten, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      fileName: file,
    });
    const out = join(dir, basename(file).replace(/\.ts$/, '.mjs'));
    writeFileSync(out, outputText);
    return out;
  };
  return transpile(resolve(REPO_ROOT, 'generators/spec/schema-set.ts'));
}

export const importVsCompile: BenchSection = {
  title: '(b) importing the standalone validators vs compiling the same schemas with Ajv at runtime',
  async run(log) {
    const validatorsUrl = pathToFileURL(resolve(REPO_ROOT, 'generated/validators/index.js')).href;
    const schemaSet = transpiledSchemaSet();
    try {
      return measureImportVsCompile(log, validatorsUrl, schemaSet);
    } finally {
      rmSync(dirname(schemaSet), { recursive: true, force: true });
    }
  },
};

function measureImportVsCompile(log: (line: string) => void, validatorsUrl: string, schemaSet: string): Figure[] {
  const namesFile = join(scratch('compile'), 'names.json');
  writeFileSync(namesFile, JSON.stringify({ strict: schemaNames, tolerant: tolerantSchemaNames }));
  const spec = resolve(REPO_ROOT, 'generated/openapi.json');
  const imports: number[] = [];
  const compiles: Array<{ ns: number; loadNs: number; compileNs: number; compiled: number }> = [];
  // Alternating, so that a noisy neighbour slows both alike.
  for (let run = 0; run < IMPORT_RUNS; run++) {
    imports.push(runChild<{ ns: number }>(IMPORT_CHILD, [validatorsUrl]).ns);
    compiles.push(runChild(COMPILE_CHILD, [pathToFileURL(schemaSet).href, spec, namesFile]));
  }
  const importNs = median(imports);
  const compileNs = median(compiles.map((run) => run.ns));
  const compiled = compiles[0]!.compiled;
  log(`fresh \`node\` child per run, timed inside the child with process.hrtime.bigint(), median of ${IMPORT_RUNS} runs each`);
  const compileRuns = compiles.map((run) => formatDuration(run.ns)).join(', ');
  log(
    `import   generated/validators/index.js            ${formatDuration(importNs).padStart(9)}  (runs: ${imports.map(formatDuration).join(', ')})`,
  );
  log(
    `compile  ${`${compiled} validators (${schemaNames.length} strict + ${tolerantSchemaNames.length} tolerant)`.padEnd(40)} ${formatDuration(compileNs).padStart(9)}  ` +
      `(of which loading Ajv ${formatDuration(median(compiles.map((run) => run.loadNs)))}; runs: ${compileRuns})`,
  );
  log(
    '         = load ajv + ajv-formats, createAjv(), addSchema(toSchemaResources(schemas, mode)), getSchema() of each, per mode',
  );
  return [
    {
      label: `Ajv runtime compile of ${compiled} validators / import of the standalone ones`,
      measured: `${formatDuration(compileNs)} / ${formatDuration(importNs)}`,
      ratio: compileNs / importNs,
      target: '≥ 10×',
      met: compileNs / importNs >= 10,
    },
  ];
}
