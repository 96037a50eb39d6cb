// The page: the model runs in a module Web Worker, so the page never waits on it.
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const [rows, cols] = [64, 64];
const data = Float32Array.from({ length: rows * cols }, (_, i) => 300 + (i % cols) + 80 * Math.sin(i / 9));
worker.onmessage = ({ data: reply }) => {
  document.querySelector('#out').textContent = reply.error ?? `${reply.backend} Denoised ${reply.shape.join(' x ')} pixels.`;
};
worker.postMessage({ data, shape: [rows, cols] }, [data.buffer]);
