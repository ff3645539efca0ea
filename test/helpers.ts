import { type BundledSpec } from '../generators/spec/document.ts';
import { loadBundledSpec } from '../generators/spec/pivot-contract.ts';
import { contractRules, runtimeValidator } from '../generators/spec/runtime-validator.ts';
import { toViolations } from '../generators/runtime/violations.js';

let cached: Promise<BundledSpec> | undefined;

/** The bundled contract, loaded once per test file. */
export function bundledSpec(): Promise<BundledSpec> {
  cached ??= loadBundledSpec();
  return cached;
}

/** Validates with a runtime Ajv instance and returns the contract's violations. */
export async function runtimeViolations() {
  const spec = await bundledSpec();
  const validate = runtimeValidator(spec);
  const rules = contractRules(spec);
  return (schema: string, data: unknown) => toViolations(validate(schema, data), rules);
}
