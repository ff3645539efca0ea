/**
 * Identifiers the sandbox hands out. Random by default; with `--seed` a deterministic generator, so a run
 * replays the same session ids, VA numbers and tokens (reproducible test output).
 */
export interface IdSource {
  uuid(): string;
  /** `length` decimal digits. */
  digits(length: number): string;
  /** `length` characters of [A-Za-z0-9]. */
  alphanumeric(length: number): string;
}

/** A 32-bit seed from a string (FNV-1a). */
function hashSeed(seed: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < seed.length; index++) {
    hash ^= seed.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: small, fast, good enough for test identifiers (not for secrets). */
function seededBytes(seed: string): (count: number) => Uint8Array {
  let state = hashSeed(seed);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) & 0xff;
  };
  return (count) => Uint8Array.from({ length: count }, next);
}

/** Random bytes from a pool refilled 4 KiB at a time: one call to the system's generator per ~200 ids, not per id. */
function randomPool(): (count: number) => Uint8Array {
  const pool = new Uint8Array(4096);
  let offset = pool.length;
  return (count) => {
    if (count > pool.length) return globalThis.crypto.getRandomValues(new Uint8Array(count));
    if (offset + count > pool.length) {
      globalThis.crypto.getRandomValues(pool);
      offset = 0;
    }
    offset += count;
    return pool.slice(offset - count, offset);
  };
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function idSource(seed?: string): IdSource {
  const bytes = seed === undefined ? randomPool() : seededBytes(seed);
  return {
    uuid() {
      const b = bytes(16);
      b[6] = (b[6]! & 0x0f) | 0x40; // version 4
      b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
      const hex = Array.from(b, (byte) => byte.toString(16).padStart(2, '0')).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
    digits: (length) => Array.from(bytes(length), (byte) => String(byte % 10)).join(''),
    alphanumeric: (length) => Array.from(bytes(length), (byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length]).join(''),
  };
}
