/**
 * Where the sandbox keeps payment sessions: a small interface, so a test can seed and inspect it and
 * another backend (a file, Redis) can replace the default in-memory one.
 */
export interface SessionStore<Record> {
  get(id: string): Record | undefined;
  /** Adds or replaces; adding beyond the capacity evicts the oldest session first. */
  put(id: string, record: Record): void;
  delete(id: string): void;
  /** Every stored session, oldest first. */
  values(): IterableIterator<Record>;
  readonly size: number;
  clear(): void;
}

/**
 * The default store. Records are kept as JSON text: a session is read far less often than it is
 * written, and text is about a third of the size of the same object graph (bytes per session in the bench).
 */
export function memoryStore<Record>(maxSessions: number): SessionStore<Record> {
  if (!Number.isInteger(maxSessions) || maxSessions < 1) throw new RangeError('maxSessions must be a positive integer');
  const texts = new Map<string, string>(); // insertion order = age
  return {
    get: (id) => {
      const text = texts.get(id);
      return text === undefined ? undefined : (JSON.parse(text) as Record);
    },
    put(id, record) {
      const text = JSON.stringify(record);
      if (!texts.has(id)) {
        while (texts.size >= maxSessions) texts.delete(texts.keys().next().value!);
      }
      texts.set(id, text);
    },
    delete: (id) => void texts.delete(id),
    *values() {
      for (const text of texts.values()) yield JSON.parse(text) as Record;
    },
    get size() {
      return texts.size;
    },
    clear: () => texts.clear(),
  };
}
