/** Host names and origins: which addresses only this machine reaches, and what a browser origin looks like. */

/** True for the addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare) || bare === '::ffff:127.0.0.1';
}

/** The warning a CLI prints when it listens where other machines can reach it (`--host 0.0.0.0`). */
export function exposedHostWarning(host: string, what: string): string | undefined {
  if (isLoopback(host)) return undefined;
  return `warning: listening on ${host}, not loopback: anyone who can reach this machine can use the ${what}`;
}

/** `https://shop.example` or `http://localhost:3000`: scheme, host and port only, as browsers send `Origin`. */
export function isOrigin(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text;
}
