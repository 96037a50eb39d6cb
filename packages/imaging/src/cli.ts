#!/usr/bin/env node
import { Command } from 'commander';
import { ImagingError } from './errors.js';
import { resolveCacheDir } from './node/cacheDir.js';
import { fetchOpenData } from './node/openData.js';

const program = new Command();
program.name('meddiff-imaging').description('Medical image data for the meddiff models: fetch open scans, build datasets, write sample DICOM studies.');
program.option('--cache-dir <dir>', 'cache folder (default: $MEDDIFF_CACHE or <repo root>/.cache)');

const log = (msg: string) => process.stderr.write(`${msg}\n`);

program
  .command('fetch-open-data')
  .description('download and unpack the Debian packages holding the open scans and DICOM test files (apt-get download + dpkg -x; no root; needs `apt-get update` once)')
  .action(() => {
    const cache = resolveCacheDir(program.opts<{ cacheDir?: string }>().cacheDir);
    const t0 = Date.now();
    const res = fetchOpenData(cache, log);
    for (const r of res) log(`${r.fetched ? 'fetched' : 'cached '} ${r.package} ${r.provenance.version} (${r.provenance.licence})`);
    log(`open data in ${cache}/open-data (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof ImagingError) {
    log(`error [${e.code}]: ${e.message}`);
    process.exit(1);
  }
  throw e;
});
