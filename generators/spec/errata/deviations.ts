/**
 * Deviations of the published examples from the contract, and the curated examples the register's
 * fixes produce from them. Used by the errata test and by `scripts/maintainer/errata.ts`.
 */
import { toViolations } from '../../runtime/violations.js';
import { type BundledSpec } from '../document.ts';
import { targetSchema } from '../operations.ts';
import { contractRules, runtimeValidator } from '../runtime-validator.ts';
import { applyFixes, parseLeniently, targetValue } from './published.ts';
import { loadPublishedSources, loadRegister, publishedText, type Deviation, type PublishedSource, type PublishedTarget } from './register.ts';

export interface FoundDeviation extends Deviation {
  detail?: string;
}

function proseDeviations(source: PublishedSource, text: string): FoundDeviation[] {
  const { documents, prose } = parseLeniently(text);
  if (prose.length === 0) return [];
  // Prose is reported against the document it introduces.
  return prose.map((line, index) => ({
    file: source.file,
    document: Math.min(index, documents.length - 1),
    kind: 'syntax',
    code: 'ProseInCodeBlock',
    pointer: '',
    detail: line,
  }));
}

function pointerPrefix(target: PublishedTarget): string {
  return 'schema' in target ? (target.pointer ?? '') : '';
}

export function listDeviations(specDir: string, spec: BundledSpec): FoundDeviation[] {
  const validate = runtimeValidator(spec);
  const rules = contractRules(spec);
  return loadPublishedSources(specDir).flatMap((source) => {
    const text = publishedText(specDir, source);
    const { documents } = parseLeniently(text);
    if (documents.length !== source.targets.length) {
      throw new Error(`${source.file}: ${documents.length} documents for ${source.targets.length} targets`);
    }
    const perDocument = documents.flatMap((document, index): FoundDeviation[] => {
      const target = source.targets[index]!;
      const syntax = document.syntax.map((issue) => ({ file: source.file, document: index, kind: 'syntax' as const, ...issue }));
      const schemaName = targetSchema(spec, target);
      const errors = validate(schemaName, targetValue(document.value, target));
      const schema = toViolations(errors, rules).map((violation) => ({
        file: source.file,
        document: index,
        kind: 'schema' as const,
        code: violation.keyword,
        pointer: pointerPrefix(target) + violation.path,
        detail: violation.message,
      }));
      return [...syntax, ...schema];
    });
    return [...proseDeviations(source, text), ...perDocument];
  });
}

function exampleFile(target: PublishedTarget): string {
  if ('schema' in target) return `${target.schema}/${target.example}.yaml`;
  const owner = 'operationId' in target ? target.operationId : target.webhook;
  const slot = target.in === 'request' ? 'request' : target.status;
  return `${owner}/${slot}/${target.example}.yaml`;
}

/** The named request variant schema a createPaymentSession example belongs to. */
export function createRequestVariant(example: string): string {
  if (example === 'payment-ui' || example === 'redirect-guide-confirm-later') return 'PaymentUiSessionRequest';
  if (example.startsWith('card-recurring-')) return 'RecurringPaymentSessionRequest';
  if (example.startsWith('card-')) return 'CardPaymentSessionRequest';
  if (example.endsWith('-static') || example.startsWith('static-')) return 'StaticPaymentSessionRequest';
  if (example.startsWith('va-') || example === 'redirect-guide-va') return 'VirtualAccountPaymentSessionRequest';
  if (example.startsWith('qr-')) return 'QrPaymentSessionRequest';
  if (example.startsWith('ewallet-')) return 'EwalletPaymentSessionRequest';
  throw new Error(`no request variant for ${example}`);
}

export interface CuratedExample {
  file: string;
  example: Record<string, unknown>;
}

export function curatedExamples(specDir: string): CuratedExample[] {
  const register = loadRegister(specDir);
  return loadPublishedSources(specDir).flatMap((source) => {
    const { documents } = parseLeniently(publishedText(specDir, source));
    return documents.map((document, index) => {
      const target = source.targets[index]!;
      const fixes = register.entries
        .filter((entry) => entry.file === source.file && entry.document === index)
        .flatMap((entry) => entry.fix ?? []);
      const value = targetValue(applyFixes(document.value, fixes), target);
      const variant =
        'operationId' in target && target.operationId === 'createPaymentSession' && target.in === 'request'
          ? { 'x-variant': createRequestVariant(target.example) }
          : {};
      const schema = 'schema' in target ? { 'x-schema': target.schema } : {};
      const example = {
        summary: source.section.split(' › ').slice(-2).join(' › '),
        ...(source.note ? { description: source.note } : {}),
        'x-source': { page: source.page, section: source.section },
        'x-published': source.file,
        ...variant,
        ...schema,
        value,
      };
      return { file: exampleFile(target), example };
    });
  });
}
