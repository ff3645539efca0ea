/**
 * Identifiers the sandbox hands out. Random by default; with `--seed` a deterministic generator, so a run
 * replays the same session ids, VA numbers and tokens (reproducible test output). Seeded ids are a
 * function of the seed and of a position in a sequence the store keeps (`reserveSequence`): each
 * instance reserves a block of positions before it uses them, so a restarted sandbox, or a second
 * instance on the same database, never hands out an id already handed out.
 */
import { createHash } from 'node:crypto';

export interface IdSource {
  /** Resolves when the next ids can be taken (seeded: their positions are reserved); call before each change. */
  prepare(): Promise<void>;
  uuid(): string;
  /** `length` decimal digits. */
  digits(length: number): string;
  /** `length` characters of [A-Za-z0-9]. */
  alphanumeric(length: number): string;
}

/** Positions reserved at a time, and how few may be left before the next reservation. */
const BLOCK = 65_536;
const LOW_WATER = 32_768;

/** Byte `position` of the seed's stream: SHA-256 of the seed and the position's 32-byte chunk. */
function seededStream(seed: string): (position: number) => number {
  let chunkIndex = -1;
  let chunk = new Uint8Array(0);
  return (position) => {
    const index = Math.floor(position / 32);
    if (index !== chunkIndex) {
      chunk = createHash('sha256').update(`${seed}\u0000${index}`).digest();
      chunkIndex = index;
    }
    return chunk[position % 32]!;
  };
}

/** Bytes from reserved positions of the seed's stream; `prepare` reserves the next block when few are left. */
function seededBytes(seed: string, reserve: (count: number) => Promise<number>) {
  const stream = seededStream(seed);
  let next = 0;
  let end = 0;
  let reserving: Promise<void> | undefined;
  return {
    bytes(count: number): Uint8Array {
      if (next + count > end) throw new Error('seeded ids used before their positions were reserved (IdSource.prepare)');
      const bytes = Uint8Array.from({ length: count }, (_, offset) => stream(next + offset));
      next += count;
      return bytes;
    },
    prepare(): Promise<void> {
      if (end - next >= LOW_WATER) return Promise.resolve();
      reserving ??= reserve(BLOCK)
        .then((first) => {
          next = first;
          end = first + BLOCK;
        })
        .finally(() => (reserving = undefined));
      return reserving;
    },
  };
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

/** Random ids, or with a seed ids from positions `reserve` hands out (default: this process only). */
export function idSource(seed?: string, reserve: (count: number) => Promise<number> = localSequence()): IdSource {
  const seeded = seed === undefined ? undefined : seededBytes(seed, reserve);
  const bytes = seeded ? seeded.bytes : randomPool();
  return {
    prepare: () => seeded?.prepare() ?? Promise.resolve(),
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

/** A sequence kept in this process (a sandbox without a store, in tests). */
function localSequence(): (count: number) => Promise<number> {
  let next = 0;
  return async (count) => {
    next += count;
    return next - count;
  };
}
