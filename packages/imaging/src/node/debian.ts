import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExternalCommandError, MissingDataError } from '../errors.js';

/** Where a Debian package came from and under which licence; written beside its unpacked files. */
export interface DebianProvenance {
  readonly package: string;
  readonly version: string;
  readonly architecture: string;
  readonly debFile: string;
  readonly sha256: string;
  /** Licence of the `Files: *` stanza of the package's copyright file (DEP-5). */
  readonly licence: string;
  /** Path, relative to the unpacked folder, of the full copyright file. */
  readonly copyrightFile: string;
  readonly upstream?: string;
}

export const PROVENANCE_FILE = '.provenance.json';

function run(cmd: string, args: readonly string[], cwd?: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message?: string; code?: string };
    if (err.code === 'ENOENT') throw new ExternalCommandError(`${cmd} ${args.join(' ')}`, `${cmd} is not installed (this needs Debian or Ubuntu)`);
    throw new ExternalCommandError(`${cmd} ${args.join(' ')}`, (err.stderr || err.message || String(e)).trim());
  }
}

/** Licence and upstream of a DEP-5 copyright file. */
export function parseCopyright(text: string): { licence: string; upstream?: string } {
  const stanzas = text.split(/\n\s*\n/);
  let licence = 'see copyright file';
  for (const s of stanzas) {
    if (/^Files:\s*\*\s*$/m.test(s)) {
      // The short name on the License line itself; some packages (matplotlib) give only the full text
      // on the lines below it, which is not a name.
      const m = /^License:[ \t]*(\S.*)$/m.exec(s);
      if (m) licence = m[1]!.trim();
      else if (/^License:/m.test(s)) licence = 'unnamed licence (its full text is in the copyright file)';
      break;
    }
  }
  const up = /^Source:\s*(\S+)/m.exec(text);
  return up ? { licence, upstream: up[1]! } : { licence };
}

function findDeb(dir: string, pkg: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
}

/**
 * Makes sure Debian package `pkg` is unpacked under `<cacheDir>/open-data/<pkg>`: downloads the .deb
 * into `<cacheDir>/debs` with `apt-get download` (needs a prior `apt-get update`, no root) and unpacks
 * it with `dpkg -x` (installs nothing). Does nothing when both are already there.
 */
export function ensureDebianPackage(pkg: string, cacheDir: string, log: (msg: string) => void = () => undefined): { dir: string; provenance: DebianProvenance; fetched: boolean } {
  const debDir = join(cacheDir, 'debs');
  const outDir = join(cacheDir, 'open-data', pkg);
  const provPath = join(outDir, PROVENANCE_FILE);
  if (existsSync(provPath)) {
    const provenance = JSON.parse(readFileSync(provPath, 'utf8')) as DebianProvenance;
    return { dir: outDir, provenance, fetched: false };
  }
  mkdirSync(debDir, { recursive: true });
  let deb = findDeb(debDir, pkg);
  if (deb === undefined) {
    log(`apt-get download ${pkg}`);
    try {
      run('apt-get', ['download', pkg], debDir);
    } catch (e) {
      if (e instanceof ExternalCommandError && /Unable to locate package|has no installation candidate/.test(e.message)) {
        throw new ExternalCommandError(`apt-get download ${pkg}`, 'the package index does not list it: run `apt-get update` once (as root) and try again');
      }
      throw e;
    }
    deb = findDeb(debDir, pkg);
    if (deb === undefined) throw new ExternalCommandError(`apt-get download ${pkg}`, `no ${pkg}_*.deb appeared in ${debDir}`);
  }
  const debPath = join(debDir, deb);
  // Unpack into a temporary folder and rename, so an interrupted run never leaves a half-unpacked tree.
  const tmp = `${outDir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  log(`dpkg -x ${deb}`);
  run('dpkg', ['-x', debPath, tmp]);
  const version = run('dpkg-deb', ['-f', debPath, 'Version']).trim();
  const architecture = run('dpkg-deb', ['-f', debPath, 'Architecture']).trim();
  const copyrightFile = `usr/share/doc/${pkg}/copyright`;
  const copyright = existsSync(join(tmp, copyrightFile)) ? readFileSync(join(tmp, copyrightFile), 'utf8') : '';
  const { licence, upstream } = parseCopyright(copyright);
  const provenance: DebianProvenance = {
    package: pkg,
    version,
    architecture,
    debFile: deb,
    sha256: createHash('sha256').update(readFileSync(debPath)).digest('hex'),
    licence,
    copyrightFile,
    ...(upstream ? { upstream } : {}),
  };
  writeFileSync(join(tmp, PROVENANCE_FILE), `${JSON.stringify(provenance, null, 2)}\n`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(cacheDir, 'open-data'), { recursive: true });
  renameSync(tmp, outDir);
  return { dir: outDir, provenance, fetched: true };
}

/** Path of a file from an unpacked package; throws MissingDataError saying how to fetch it. */
export function openDataFile(cacheDir: string, pkg: string, path: string): string {
  const p = join(cacheDir, 'open-data', pkg, path);
  if (!existsSync(p) || !existsSync(join(cacheDir, 'open-data', pkg, PROVENANCE_FILE))) {
    throw new MissingDataError(`${path} from Debian package ${pkg} (looked in ${p})`, 'Run the set-up step: `npm run -w @meddiff/imaging fetch-open-data` (or `npx meddiff-imaging fetch-open-data`).');
  }
  return p;
}
