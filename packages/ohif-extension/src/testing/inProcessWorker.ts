import type { WorkerLike } from '../model/inferenceClient.js';
import type { FromWorker, ToWorker } from '../model/workerProtocol.js';
import type { ModelFamily } from '../model/taskTypes.js';
import type { WorkerModel } from '../worker/workerModel.js';
import { createWorkerHandler } from '../worker/workerHandler.js';

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
      const copy = structuredClone(message);
      setTimeout(() => this.messageListeners.forEach((l) => l({ data: copy } as MessageEvent<FromWorker>)), 0);
    }, load);
  }

  postMessage(message: ToWorker): void {
    if (this.terminated) return;
    const copy = structuredClone(message);
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
