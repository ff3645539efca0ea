/**
 * Ajv's standalone module code (`ajv/dist/standalone`'s `multiExportsCode`), built in linear time.
 * Ajv appends each export with `code = _\`${code}…\``, which copies every code item so far: quadratic
 * in the number of exports (20 % of the validators generator's time at ×40 the contract's schemas).
 * Here each export's code is rendered once and the parts are joined; the output is the same text
 * (`generate --check` compares it with what Ajv's own function wrote).
 * @see https://github.com/ajv-validator/ajv/blob/master/lib/standalone/index.ts
 */
import type { Ajv2020 as Ajv } from 'ajv/dist/2020.js';
import { _, _Code, getEsmExportName, nil } from 'ajv/dist/compile/codegen/code.js';
import { UsedValueState, varKinds, type ValueScopeName as Name } from 'ajv/dist/compile/codegen/scope.js';
import type { SourceCode } from 'ajv/dist/types/index.js';

type UsedValues = Record<string, Map<Name, UsedValueState> | undefined>;

/** A compiled function, with its source until that has been written into the module. */
type Compiled = { source?: SourceCode };

function validateCode(ajv: Ajv, usedValues: UsedValues, compiled: Compiled | undefined): _Code {
  const source = compiled?.source;
  if (!source) throw new Error('moduleCode: function does not have "source" property');
  const { _n } = ajv.scope.opts as { _n: _Code };
  const usedState = (name: Name) => usedValues[name.prefix]?.get(name);
  const setUsedState = (name: Name, state: UsedValueState) => {
    const names = (usedValues[name.prefix] ??= new Map());
    names.set(name, state);
  };
  if (usedState(source.validateName) === UsedValueState.Completed) return nil;
  setUsedState(source.validateName, UsedValueState.Started);
  // Written once: later references only need its name (the state above says it is written). Its code
  // and scope values are most of the memory Ajv holds, so they go as soon as they are in the module.
  compiled.source = { validateName: source.validateName } as SourceCode;
  const refValidateCode = (n: Name): _Code | undefined => {
    const ref = n.value?.ref as unknown;
    if (n.prefix === 'validate' && typeof ref == 'function') return validateCode(ajv, usedValues, ref as Compiled);
    if ((n.prefix === 'root' || n.prefix === 'wrapper') && typeof ref == 'object') {
      const { validate, validateName } = ref as { validate?: Compiled; validateName?: Name };
      if (!validateName) throw new Error('ajv internal error');
      const def = ajv.opts.code.es5 ? varKinds.var : varKinds.const;
      const wrapper = _`${def} ${n} = {validate: ${validateName}};`;
      if (usedState(validateName) === UsedValueState.Started) return wrapper;
      return _`${wrapper}${_n}${validateCode(ajv, usedValues, validate)}`;
    }
    return undefined;
  };
  const scopeCode = ajv.scope.scopeCode(source.scopeValues, usedValues as never, refValidateCode as never);
  const code = new _Code(`${scopeCode}${_n}${source.validateCode}`);
  return source.evaluated ? _`${code}${source.validateName}.evaluated = ${source.evaluated};${_n}` : code;
}

/**
 * The ES module exporting `refs` (export name → schema id), as Ajv's `standaloneCode(ajv, refs)` writes
 * it, in parts (the prologue, then one per export: a validator with the ones it calls first); joined,
 * they are that text. Compiles each schema on first use and consumes the sources it writes: one module
 * per instance. `transform` rewrites each part on its own, so that no rewrite ever runs over the whole
 * module: at ×50 the contract's schemas that is 40 MB of text, and a regular expression's last subject
 * stays alive after it ran.
 */
export function standaloneParts(ajv: Ajv, refs: Record<string, string>, transform = (part: string) => part): string[] {
  if (!ajv.opts.code.source || !ajv.opts.code.esm) throw new Error('standaloneParts: needs code.source and code.esm');
  const { _n } = ajv.scope.opts as { _n: _Code };
  const usedValues: UsedValues = {};
  const parts = ['"use strict";'];
  for (const name in refs) {
    const validate = ajv.getSchema(refs[name]!);
    if (!validate) throw new Error(`moduleCode: no schema with id ${refs[name]}`);
    const validateName = validate.source?.validateName;
    const vCode = validateCode(ajv, usedValues, validate);
    parts.push(transform(String(_`${_n}export const ${getEsmExportName(name)} = ${validateName};${_n}${vCode}`)));
  }
  return parts;
}
