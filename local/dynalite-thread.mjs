/**
 * The embedded DynamoDB-compatible server (dynalite) on its own thread, started by
 * `local/embedded.ts`. Plain JavaScript because a worker thread runs it without the TypeScript
 * loader. On its own thread its request handling runs on the second core, beside the API's
 * parsing, tagging and indexing, instead of taking turns with them on one event loop.
 */
import { EventEmitter } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { AbstractIterator, AbstractKeyIterator, AbstractValueIterator } from 'abstract-level';
import dynalite from 'dynalite';

// dynalite 4 wraps abstract-level 3 iterators in streams whose destroy() ends the iterator with
// `return()`, a method abstract-level iterators do not have, so every Query left an open
// iterator behind (~0.7 KB each: memory grew without bound under load). Giving them a `return`
// that closes them lets the streams release what they opened.
for (const Iterator of [AbstractIterator, AbstractKeyIterator, AbstractValueIterator]) {
  if (!Object.hasOwn(Iterator.prototype, 'return')) {
    Object.defineProperty(Iterator.prototype, 'return', {
      value() {
        return this.close();
      },
    });
  }
}

const options = workerData ?? {};
const server = dynalite({
  ...(options.path ? { path: options.path } : {}),
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
});
server.once('error', (error) => parentPort?.postMessage({ error: String(error) }));
server.listen(options.port ?? 0, '127.0.0.1', () => {
  parentPort?.postMessage({ port: server.address().port });
});
// Requests from this process's own store arrive on a message port instead of a socket: the same
// request handler, the same DynamoDB protocol (JSON bodies, signed headers), without TCP, HTTP
// framing and parsing on both threads.
const handle = server.listeners('request')[0];
options.requests?.on('message', ({ id, method, path, headers, body }) => {
  const req = new EventEmitter();
  Object.assign(req, { method, url: path, headers });
  const res = {
    statusCode: 200,
    contentType: undefined,
    shouldKeepAlive: true,
    headers: {},
    setHeader(name, value) {
      this.headers[name.toLowerCase()] = String(value);
    },
    end(data) {
      options.requests.postMessage({ id, status: this.statusCode, headers: this.headers, body: data ?? '' });
    },
  };
  handle(req, res);
  if (body.length > 0) req.emit('data', Buffer.from(body));
  req.emit('end');
});

parentPort?.on('message', (message) => {
  if (message === 'close') {
    // Closing the server (and dynalite's store with it) empties this thread's event loop: it ends.
    options.requests?.close();
    server.close(() => parentPort?.close());
  }
});
