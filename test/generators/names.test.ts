/**
 * Component names → identifiers (generators/spec/names.ts) are json-schema-to-typescript's own
 * `toSafeString`, so that a model and its validator share a name. Plain PascalCase names skip loading
 * it (it loads all of lodash): for those, and for names near them, the answer must be its answer.
 */
import fc from 'fast-check';
import { toSafeString } from 'json-schema-to-typescript/dist/src/utils.js';
import { describe, expect, it } from 'vitest';
import { toIdentifier } from '../../generators/spec/names.ts';

/** What toIdentifier answered before the shortcut: always json-schema-to-typescript's function. */
const viaJstt = (name: string) => toSafeString(/^[^a-zA-Z_$]/.test(name) ? `Schema ${name}` : name) || 'Schema';

const NAME_CHARACTERS = [...'AbCdxyZ019_-. $é'];

describe('toIdentifier', () => {
  it.each([
    ['PaymentSession', 'PaymentSession'],
    ['Data3DSecure', 'Data3DSecure'],
    ['Data3dSecure', 'Data3DSecure'],
    ['V2', 'V2'],
    ['billing_portal.configuration', 'BillingPortalConfiguration'],
    ['paymentSession', 'PaymentSession'],
    ['3DSecureData', 'Schema3DSecureData'],
    ['400', 'Schema400'],
  ])('%s → %s', (name, identifier) => {
    expect(toIdentifier(name)).toBe(identifier);
    expect(toIdentifier(name)).toBe(viaJstt(name));
  });

  it('agrees with json-schema-to-typescript on any name of letters, digits and separators', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...NAME_CHARACTERS), { minLength: 1, maxLength: 12 }), (characters) => {
        const name = characters.join('');
        expect(toIdentifier(name)).toBe(viaJstt(name));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees on PascalCase-looking names with digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z][a-zA-Z0-9]{0,10}$/), (name) => {
        expect(toIdentifier(name)).toBe(viaJstt(name));
      }),
      { numRuns: 3000 },
    );
  });
});
