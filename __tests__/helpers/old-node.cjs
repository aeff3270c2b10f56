// Preload (NODE_OPTIONS=--require) that makes this process report Node.js 20.20.2, the system Node
// of many CI images, so an entry point's version check can be tried without installing an old Node.
Object.defineProperty(process.versions, 'node', { value: '20.20.2' });
