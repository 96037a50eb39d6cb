/**
 * Runs a command's work with Ctrl-C handling: the first SIGINT aborts the work's signal so it can
 * stop cleanly (a trainer writes its checkpoint first); a second one quits at once (exit 130).
 * Copies of the first that arrive within `duplicateWindowMs` are not a second Ctrl-C: under
 * `npm run`, npm forwards the SIGINT it got to tsx, which relays it again, so one keypress reaches
 * the command two or three times within milliseconds.
 */
export function interruptible<T>(work: (signal: AbortSignal) => Promise<T>, o: { what: string; log: (line: string) => void; duplicateWindowMs?: number }): Promise<T> {
  const controller = new AbortController();
  let first = 0;
  const onSigint = () => {
    if (controller.signal.aborted) {
      if (performance.now() - first > (o.duplicateWindowMs ?? 1000)) process.exit(130);
      return;
    }
    first = performance.now();
    o.log(`\nstopping ${o.what} (Ctrl-C again to quit at once)`);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return work(controller.signal).finally(() => process.off('SIGINT', onSigint));
}
