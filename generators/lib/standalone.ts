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

function validateCode(ajv: Ajv, usedValues: UsedValues, source: SourceCode | undefined): _Code {
  if (!source) throw new Error('moduleCode: function does not have "source" property');
  const { _n } = ajv.scope.opts as { _n: _Code };
  const usedState = (name: Name) => usedValues[name.prefix]?.get(name);
  const setUsedState = (name: Name, state: UsedValueState) => {
    const names = (usedValues[name.prefix] ??= new Map());
    names.set(name, state);
  };
  if (usedState(source.validateName) === UsedValueState.Completed) return nil;
  setUsedState(source.validateName, UsedValueState.Started);
  const refValidateCode = (n: Name): _Code | undefined => {
    const ref = n.value?.ref as unknown;
    if (n.prefix === 'validate' && typeof ref == 'function')
      return validateCode(ajv, usedValues, (ref as { source?: SourceCode }).source);
    if ((n.prefix === 'root' || n.prefix === 'wrapper') && typeof ref == 'object') {
      const { validate, validateName } = ref as { validate?: { source?: SourceCode }; validateName?: Name };
      if (!validateName) throw new Error('ajv internal error');
      const def = ajv.opts.code.es5 ? varKinds.var : varKinds.const;
      const wrapper = _`${def} ${n} = {validate: ${validateName}};`;
      if (usedState(validateName) === UsedValueState.Started) return wrapper;
      return _`${wrapper}${_n}${validateCode(ajv, usedValues, validate?.source)}`;
    }
    return undefined;
  };
  const scopeCode = ajv.scope.scopeCode(source.scopeValues, usedValues as never, refValidateCode as never);
  const code = new _Code(`${scopeCode}${_n}${source.validateCode}`);
  return source.evaluated ? _`${code}${source.validateName}.evaluated = ${source.evaluated};${_n}` : code;
}

/** The ES module exporting `refs` (export name → schema id), as Ajv's `standaloneCode(ajv, refs)` writes it. */
export function standaloneModule(ajv: Ajv, refs: Record<string, string>): string {
  if (!ajv.opts.code.source || !ajv.opts.code.esm) throw new Error('standaloneModule: needs code.source and code.esm');
  const { _n } = ajv.scope.opts as { _n: _Code };
  const usedValues: UsedValues = {};
  const parts = ['"use strict";'];
  for (const name in refs) {
    const validate = ajv.getSchema(refs[name]!);
    if (!validate) throw new Error(`moduleCode: no schema with id ${refs[name]}`);
    const vCode = validateCode(ajv, usedValues, validate.source);
    parts.push(String(_`${_n}export const ${getEsmExportName(name)} = ${validate.source?.validateName};${_n}${vCode}`));
  }
  return parts.join('');
}
