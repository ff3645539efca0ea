/**
 * TEST ONLY: planted failures for the tests of `verify --flows`. Each fault fires once, at its first
 * chance, so a test can prove that `verify --flows` reports exactly the failures planted and nothing
 * else. `pivot-contract sandbox` never sets them.
 */
import { jsonResponse } from '../http/errors.ts';
import type { CallbackEvent } from './lifecycle.ts';

export interface SandboxFaults {
  /** The first successful call of this operation answers as usual but leaves the session where it was. */
  skipTransition?: string;
  /** The first 200 answer of this operation has `data[field]` replaced by a value the contract forbids. */
  corruptField?: { operationId: string; field: string };
  /** The first callback with this event is never sent. */
  dropCallback?: CallbackEvent;
  /** The first replay (same key, same payload) is answered as a new create instead of the first answer. */
  differentReplay?: boolean;
}

/** Whether a planted fault fires now: true the first time `applies` holds, never again. */
export type FaultSwitch = <K extends keyof SandboxFaults>(
  name: K,
  applies: (fault: NonNullable<SandboxFaults[K]>) => boolean,
) => boolean;

export function faultSwitch(faults: SandboxFaults = {}): FaultSwitch {
  const fired = new Set<keyof SandboxFaults>();
  return (name, applies) => {
    const fault = faults[name];
    if (fault === undefined || fired.has(name) || !applies(fault as never)) return false;
    fired.add(name);
    return true;
  };
}

/** The answer, with a planted `corruptField` fault applied to the first 200 of its operation. */
export function corruptingAnswers<Call extends { operationId: string }>(
  answer: (call: Call) => Response | Promise<Response>,
  faults: SandboxFaults,
  fault: FaultSwitch,
): (call: Call) => Promise<Response> {
  return async (call) => {
    const response = await answer(call);
    if (response.status !== 200 || !fault('corruptField', (planted) => planted.operationId === call.operationId)) return response;
    const body = (await response.json()) as Record<string, any>;
    body.data[faults.corruptField!.field] = { corrupted: true };
    return jsonResponse(200, body);
  };
}
