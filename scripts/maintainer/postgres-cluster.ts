/**
 * A throwaway PostgreSQL cluster for the tests and the bench of the team sandbox (`--store postgres://…`):
 * `initdb` in a temporary folder, `pg_ctl start` on a free port of 127.0.0.1 (and a socket in that folder),
 * stopped by its postmaster's pid, the folder removed. Debian's `postgresql` package (which `.ci/run`
 * installs) keeps its binaries in /usr/lib/postgresql/<version>/bin, off PATH; they are found there, else
 * on PATH. PostgreSQL refuses to run as root, so as root every command runs as the `postgres` user
 * (`runuser -u postgres`), which owns the folder.
 * @see https://www.postgresql.org/docs/15/app-initdb.html
 * @see https://www.postgresql.org/docs/15/app-pg-ctl.html
 * @see https://www.postgresql.org/docs/15/server-shutdown.html
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { freePort } from '../http/serve.ts';
import { isAlive } from '../process/lifeline.ts';

export interface PostgresCluster {
  port: number;
  /** The postmaster's process id. */
  pid: number;
  /** A URL of a database of the cluster (default `postgres`), as the superuser `postgres`. */
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs one statement as the superuser on the `postgres` database. */
  admin(sql: string): Promise<pg.QueryResult>;
  /** Fast shutdown by pid (then immediate, then SIGKILL), and the folder removed. */
  stop(): Promise<void>;
}

/** The folder of PostgreSQL's server binaries: the newest of Debian's versions, else the one on PATH. */
export function postgresBinaries(): string {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((version) => existsSync(join(debian, version, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  for (const folder of (process.env.PATH ?? '').split(':'))
    if (folder && existsSync(join(folder, 'initdb')) && existsSync(join(folder, 'pg_ctl'))) return folder;
  throw new Error(
    "PostgreSQL's initdb and pg_ctl were not found (in /usr/lib/postgresql/<version>/bin or on PATH): install Debian's postgresql package (.ci/run does)",
  );
}

const isRoot = () => process.getuid?.() === 0;

/** A command line as PostgreSQL will run it: as the `postgres` user when this process is root. */
export function asPostgresOwner(command: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/**
 * Lets the `postgres` user reach a folder when this process is root: every folder above it gets the
 * others' search bit (`o+x`, entering, not listing), as a checkout in a user's home has. A clone in a
 * `mktemp -d` folder (mode 700) is otherwise out of its reach.
 */
export function reachableByPostgres(folder: string): void {
  if (!isRoot()) return;
  for (let current = resolve(folder); ; current = dirname(current)) {
    const mode = statSync(current).mode;
    if ((mode & 0o001) === 0) chmodSync(current, (mode & 0o7777) | 0o001);
    if (dirname(current) === current) return;
  }
}

/** Gives a folder to the `postgres` user when this process is root (PostgreSQL's files must be its own). */
export function ownFolder(folder: string): void {
  if (!isRoot()) return;
  const id = (flag: '-u' | '-g') => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  chownSync(folder, id('-u'), id('-g'));
}

/** Runs a PostgreSQL binary as the folder's owner. */
function runAsOwner(binary: string, args: string[]): string {
  const [command, full] = asPostgresOwner(binary, args);
  try {
    return execFileSync(command, full, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`${binary} ${args.join(' ')} failed:\n${stderr ?? ''}${stdout ?? ''}`);
  }
}

/** Stops a postmaster by pid: fast shutdown, then immediate, then SIGKILL; resolves once it is gone. */
export async function stopPostgres(pid: number): Promise<void> {
  // SIGINT: fast shutdown (disconnects clients); SIGQUIT: immediate; SIGKILL as the last resort.
  for (const [signal, waitMs] of [
    ['SIGINT', 20_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    if (!isAlive(pid)) return;
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + waitMs;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 25));
  }
}

/** Starts a cluster; `settings` are server parameters (`-c name=value`) such as `fsync: 'off'` for tests. */
export async function startPostgresCluster(settings: Record<string, string> = {}): Promise<PostgresCluster> {
  const bin = postgresBinaries();
  const folder = mkdtempSync(join(tmpdir(), 'pivot-pg-'));
  const data = join(folder, 'data');
  ownFolder(folder);
  let pid = 0;
  try {
    runAsOwner(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    const port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${folder}`,
      '-c listen_addresses=127.0.0.1',
      ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`),
    ].join(' ');
    runAsOwner(join(bin, 'pg_ctl'), ['-D', data, '-l', join(folder, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
    pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        return await client.query(sql);
      } finally {
        await client.end();
      }
    };
    return {
      port,
      pid,
      url,
      admin,
      async createDatabase(name) {
        await admin(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
        return url(name);
      },
      async stop() {
        await stopPostgres(pid);
        rmSync(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (pid) await stopPostgres(pid);
    const log = existsSync(join(folder, 'server.log')) ? readFileSync(join(folder, 'server.log'), 'utf8') : '';
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}${log ? `\nserver log:\n${log}` : ''}`);
  }
}
