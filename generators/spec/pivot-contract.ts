/**
 * This repository's own contract: where spec/ is, and its plain bundle (no checks), for the tests and
 * the maintainer tools. `pivot-contract generate` reads it through load.ts like any other document.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { resolve } from 'node:path';
import type { BundledSpec } from './document.ts';

export const SPEC_DIR = resolve(import.meta.dirname, '../../spec');
export const SPEC_ROOT = resolve(SPEC_DIR, 'openapi.yaml');

export async function loadBundledSpec(root = SPEC_ROOT): Promise<BundledSpec> {
  return (await SwaggerParser.bundle(root)) as BundledSpec;
}
