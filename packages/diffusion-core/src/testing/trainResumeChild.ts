/**
 * Child process for the kill-and-resume test: trains RESUME_TASK with a checkpoint every step,
 * slowly, until the parent kills it. Usage: node --import tsx trainResumeChild.ts <dir>
 */
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { fileWeightsStore } from '../io/fileWeightsStore';
import { Trainer } from '../train/trainer';
import { denoisingTask, RESUME_TASK } from './denoisingTask';

await tf.setBackend('wasm');
const task = denoisingTask(RESUME_TASK);
const trainer = new Trainer({ ...task.trainerOptions, checkpoints: fileWeightsStore(process.argv[2]!) });
await trainer.resume();
while (trainer.step < trainer.config.steps) {
  await trainer.trainStep();
  await trainer.saveCheckpoint();
  process.stdout.write(`step ${trainer.step}\n`);
  await new Promise((r) => setTimeout(r, 300));
}
