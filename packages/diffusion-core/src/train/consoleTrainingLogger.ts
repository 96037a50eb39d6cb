import type { TrainingLog } from './trainer';

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * A one-line progress bar for terminals (a plain line per log when the output is not a TTY, as
 * in CI logs): step, loss, learning rate, gradient norm, images/s, elapsed and ETA.
 */
export function consoleTrainingLogger(stream: NodeJS.WriteStream = process.stderr): (log: TrainingLog) => void {
  return (l) => {
    const width = 24;
    const filled = Math.round((width * l.step) / l.totalSteps);
    const line = `[${'#'.repeat(filled).padEnd(width, '.')}] ${l.step}/${l.totalSteps} loss ${l.loss.toFixed(4)} lr ${l.learningRate.toExponential(2)} |g| ${l.gradientNorm.toFixed(2)} ${l.imagesPerSecond.toFixed(1)} img/s ${duration(l.elapsedMs)} eta ${duration(l.etaMs)}`;
    if (stream.isTTY) stream.write(`\r${line}${l.step === l.totalSteps ? '\n' : ''}`);
    else stream.write(`${line}\n`);
  };
}
