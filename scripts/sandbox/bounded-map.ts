/** A Map that forgets its oldest entries beyond a capacity: every table of the sandbox is bounded. */
export function boundedMap<K, V>(capacity: number): Map<K, V> {
  const map = new Map<K, V>();
  const set = map.set.bind(map);
  map.set = (key, value) => {
    if (!map.has(key)) while (map.size >= capacity) map.delete(map.keys().next().value as K);
    return set(key, value);
  };
  return map;
}
