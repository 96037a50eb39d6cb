/// <reference lib="webworker" />
// The Web Worker entry: the viewer's main thread never waits on a model.
import type { ToWorker } from '../model/workerProtocol.js';
import { createWorkerHandler } from './workerHandler.js';

declare const self: DedicatedWorkerGlobalScope;

const handle = createWorkerHandler((message, transfer = []) => self.postMessage(message, transfer));
self.addEventListener('message', (event: MessageEvent<ToWorker>) => void handle(event.data));
