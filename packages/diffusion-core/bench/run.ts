export {};
/** `npm run bench` for this package: every benchmark in turn. Arguments pass through (e.g. --quick). */
await import('./unet');
await import('./training');
await import('./wasmGradients');
