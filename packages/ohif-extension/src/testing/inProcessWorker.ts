import type { WorkerLike } from '../model/inferenceClient.js';
import type { FromWorker, ToWorker } from '../model/workerProtocol.js';
import type { ModelFamily } from '../model/taskTypes.js';
import type { WorkerModel } from '../worker/workerModel.js';
import { createWorkerHandler } from '../worker/workerHandler.js';

/**
 * A structured clone (of the plain data the protocol sends) made with this realm's classes: under
 * vitest's jsdom the global structuredClone makes typed arrays of another realm, which
 * `instanceof Float32Array` (tfjs, the pipelines) rejects; a real worker gets its own realm's.
 */
function clone<T>(value: T): T {
  if (ArrayBuffer.isView(value)) {
    const Ctor = (globalThis as unknown as Record<string, new (v: ArrayBufferView) => T>)[Object.prototype.toString.call(value).slice(8, -1)]!;
    return new Ctor(value);
  }
  if (Array.isArray(value)) return value.map(clone) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)])) as T;
  return value;
}

/**
 * The real worker logic (createWorkerHandler) behind the Worker interface, in this process:
 * messages are structured-cloned and delivered asynchronously, as between threads.
 */
export class InProcessWorker implements WorkerLike {
  private readonly messageListeners: ((e: MessageEvent<FromWorker>) => void)[] = [];
  private readonly errorListeners: ((e: ErrorEvent) => void)[] = [];
  private readonly handle: (msg: ToWorker) => Promise<void>;
  terminated = false;
  readonly received: ToWorker[] = [];

  constructor(load?: (url: string, family?: ModelFamily) => Promise<WorkerModel>) {
    this.handle = createWorkerHandler((message) => {
      if (this.terminated) return;
      const copy = clone(message);
      setTimeout(() => this.messageListeners.forEach((l) => l({ data: copy } as MessageEvent<FromWorker>)), 0);
    }, load);
  }

  postMessage(message: ToWorker): void {
    if (this.terminated) return;
    const copy = clone(message);
    this.received.push(copy);
    setTimeout(() => void this.handle(copy), 0);
  }

  addEventListener(type: 'message' | 'error', listener: ((e: MessageEvent<FromWorker>) => void) | ((e: ErrorEvent) => void)): void {
    if (type === 'message') this.messageListeners.push(listener as (e: MessageEvent<FromWorker>) => void);
    else this.errorListeners.push(listener as (e: ErrorEvent) => void);
  }

  /** Simulates the worker dying (an uncaught error in its global scope). */
  crash(message: string): void {
    this.errorListeners.forEach((l) => l({ message } as ErrorEvent));
  }

  terminate(): void {
    this.terminated = true;
  }
}
