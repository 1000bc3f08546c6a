/**
 * The embedded DynamoDB-compatible server (dynalite) on its own thread, started by
 * `local/embedded.ts`. Plain JavaScript because a worker thread runs it without the TypeScript
 * loader. On its own thread its request handling runs on the second core, beside the API's
 * parsing, tagging and indexing, instead of taking turns with them on one event loop.
 *
 * Before it listens it checks the data directory and opens the LevelDB store once, so a store it
 * cannot use fails here with the cause and the path (never a bare ECONNREFUSED later), and a
 * damaged store is never started over.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { AbstractIterator, AbstractKeyIterator, AbstractValueIterator } from 'abstract-level';
import { ClassicLevel } from 'classic-level';
import dynalite from 'dynalite';

// Named so `top -H` and the benchmarks' per-thread CPU (bench/threads.ts) can tell it apart
// (Node 20 names every thread "node"); Linux only, nothing happens elsewhere.
try {
  writeFileSync('/proc/thread-self/comm', 'kk-store');
} catch {}

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

// Every item request reads its table's description from LevelDB first (dynalite's getTable: an
// asynchronous get and a JSON decode), once per key of a batch: a BatchGetItem of 22 keys made
// 23 such reads beside its 22 item reads. The item actions (GetItem, PutItem, DeleteItem,
// UpdateItem, Query, Scan, the batches) ask with two arguments and only read the description;
// they get it from memory while the table is ACTIVE. The table actions (Create/Update/Delete/
// DescribeTable, tags) ask with three and still read LevelDB, and any write of a description
// empties the memory, so an item action never sees a description older than LevelDB's.
const dynaliteDb = createRequire(import.meta.url)('dynalite/db');
const createStore = dynaliteDb.create;
dynaliteDb.create = (storeOptions) => {
  const store = createStore(storeOptions);
  const described = new Map();
  let writes = 0;
  const { tableDb } = store;
  for (const name of ['put', 'del', 'batch']) {
    const write = tableDb[name];
    tableDb[name] = (...args) => {
      writes++;
      described.clear();
      return write(...args);
    };
  }
  const getTable = store.getTable;
  store.getTable = (name, checkStatus, cb) => {
    if (typeof checkStatus !== 'function') return getTable(name, checkStatus, cb);
    const done = checkStatus;
    const known = described.get(name);
    if (known) {
      process.nextTick(done, null, known);
      return;
    }
    const at = writes;
    getTable(name, (err, table) => {
      if (!err && at === writes && table.TableStatus === 'ACTIVE') described.set(name, table);
      done(err, table);
    });
  };
  return store;
};

// dynalite reads every item it serves or replaces with LevelDB's asynchronous get: each one a job
// on libuv's thread pool, a wake-up of a pool thread and another of this one to take the answer
// (napi async work, futexes: ~6–10 µs of CPU per get across the threads, measured with
// classic-level alone, against ~2 µs for the same read done here with getSync). An ingest reads
// ~two items per quote (a batch's keys, the items a write replaces). So an open database answers
// a get with getSync, resolved as the get's promise (dynalite still answers on a later turn):
// the same value, decoded the same way, and a read never sees less than the asynchronous one did
// (writes are still asynchronous; dynalite orders its read-modify-writes with its own locks). The
// cost: reads run one after another on this thread, a cold one reading the file here — this
// thread serves nothing else, and the API's event loop is not this one. A database still opening
// (or one asked with a callback) keeps the asynchronous path.
const asyncGet = ClassicLevel.prototype.get;
ClassicLevel.prototype.get = function get(key, getOptions, ...rest) {
  if (this.status !== 'open' || typeof getOptions === 'function' || rest.length > 0)
    return asyncGet.call(this, key, getOptions, ...rest);
  try {
    return Promise.resolve(this.getSync(key, getOptions));
  } catch (e) {
    return Promise.reject(e);
  }
};

// Every conditional write parses its ConditionExpression with dynalite's PEG parser, which tries
// each of DynamoDB's ~570 reserved words at every identifier: a quarter of this thread's CPU
// during an ingest (perf, 20k quotes), for the same few expressions (`attribute_not_exists(#pk)`
// of every new interview's head). A parse's result is a function of the expression, the
// attribute names and the attribute values; its one side effect is to strike the names and
// values it uses off the request's unused lists. So a successful parse is kept by all three,
// with the names and values it used (found by parsing against lists holding all of them), and a
// repeat strikes those off and answers the kept result. Kept results are only read afterwards
// (db's matchesExprFilter, validateKeyPaths, query's pathHeads); key conditions are not kept
// (validations' convertKeyCondition rewrites their tree), nor errors (parsed again as before).
const conditionParser = createRequire(import.meta.url)('dynalite/db/conditionParser');
const parseCondition = conditionParser.parse;
const PARSED_EXPRESSIONS = 512;
const parsedExpressions = new Map();
const allTrue = (o) => Object.fromEntries(Object.keys(o ?? {}).map((k) => [k, true]));
conditionParser.parse = (input, parseOptions) => {
  const context = parseOptions?.context;
  if (!context || context.isKeyCondition) return parseCondition(input, parseOptions);
  const key = JSON.stringify([input, context.attrNames ?? null, context.attrVals ?? null]);
  let kept = parsedExpressions.get(key);
  if (!kept) {
    const unusedAttrNames = allTrue(context.attrNames);
    const unusedAttrVals = allTrue(context.attrVals);
    const result = parseCondition(input, {
      ...parseOptions,
      context: { ...context, unusedAttrNames, unusedAttrVals },
    });
    if (typeof result !== 'object' || result === null) return parseCondition(input, parseOptions);
    kept = {
      result,
      names: Object.keys(context.attrNames ?? {}).filter((k) => !(k in unusedAttrNames)),
      vals: Object.keys(context.attrVals ?? {}).filter((k) => !(k in unusedAttrVals)),
    };
    if (parsedExpressions.size >= PARSED_EXPRESSIONS)
      parsedExpressions.delete(parsedExpressions.keys().next().value);
    parsedExpressions.set(key, kept);
  }
  for (const k of kept.names) if (context.unusedAttrNames) delete context.unusedAttrNames[k];
  for (const k of kept.vals) if (context.unusedAttrVals) delete context.unusedAttrVals[k];
  return kept.result;
};

/** A start-up failure the parent reports as it is: what, where, what to do. */
class StartError extends Error {
  constructor(what, path, hint, cause) {
    super(`${what} (${path})${cause ? `: ${cause.message}` : ''}`);
    this.path = path;
    this.hint = hint;
  }
}

/** Why `path` cannot be written, as the nearest existing directory at or above it answers a write. */
function unwritable(path) {
  if (full) return Object.assign(new Error('ENOSPC: no space left on device (injected)'), { code: 'ENOSPC' });
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const probe = join(dir, `.write-test-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(probe, 'ok');
    rmSync(probe);
    return null;
  } catch (e) {
    return e;
  }
}

/** A write that failed, in words: full, read-only, or not writable. */
function writeFailure(path, e) {
  const what =
    e.code === 'ENOSPC'
      ? 'no space left for the store'
      : e.code === 'EROFS'
        ? 'the store directory is on a read-only file system (EROFS)'
        : 'the store directory is not writable';
  const hint =
    e.code === 'ENOSPC'
      ? 'free space on that file system, or point DATA_DIR elsewhere'
      : 'make it writable (mount it read-write, fix its owner), or point DATA_DIR elsewhere';
  return new StartError(what, path, hint, e);
}

/** Checks the directory and opens the store once; throws {@link StartError}. */
async function preflight(path) {
  try {
    mkdirSync(path, { recursive: true });
  } catch (e) {
    const why = unwritable(path);
    if (why) throw writeFailure(path, why);
    throw new StartError(
      'cannot create the store directory',
      path,
      'point DATA_DIR at a writable directory',
      e,
    );
  }
  if (!statSync(path).isDirectory())
    throw new StartError('the store path is not a directory', path, 'point DATA_DIR at a directory');
  // Permission bits do not stop root: only a real write shows a read-only or full file system.
  const why = unwritable(path);
  if (why) throw writeFailure(path, why);
  const files = readdirSync(path);
  const hasData = files.some((f) => /^(MANIFEST-\d+|\d+\.(ldb|sst|log))$/.test(f));
  if (hasData && !existsSync(join(path, 'CURRENT')))
    throw new StartError(
      'the store has data files but no CURRENT file: it is damaged, and starting over it would lose them',
      path,
      'restore the directory from a backup, or move it aside to start with an empty store',
    );
  // Open once with nothing created over existing data; LevelDB checks CURRENT and the MANIFEST here.
  const db = new ClassicLevel(path, { createIfMissing: !hasData, errorIfExists: false });
  try {
    await db.open();
    // Read every key once: damaged table files (.ldb) show now, not as failed requests later.
    for await (const _ of db.keys({ fillCache: false })) {
      // reading is the check
    }
  } catch (e) {
    const cause = e.cause ?? e;
    const space = /No space left/i.test(String(cause.message));
    throw new StartError(
      space ? 'no space left to open the store' : 'the store cannot be opened or read',
      path,
      space
        ? 'free space on that file system, or point DATA_DIR elsewhere'
        : 'restore the directory from a backup, or move it aside to start with an empty store (kikigaki never starts over a store it cannot read)',
      cause,
    );
  } finally {
    await db.close().catch(() => undefined);
  }
}

const options = workerData ?? {};

// Fault injection for tests where no small file system can be mounted: LevelDB's own write
// calls (classic-level's _put/_batch/_del, the lowest layer under dynalite) fail as LevelDB
// does on a full disk, while the parent says so. Off unless the parent asked for it.
let full = options.faults === true && options.enospc === true;
if (options.faults) {
  parentPort?.on('message', (m) => {
    if (m && typeof m === 'object' && m.fault === 'enospc') full = m.on === true;
  });
  for (const name of ['_put', '_batch', '_del']) {
    const original = ClassicLevel.prototype[name];
    ClassicLevel.prototype[name] = function (...args) {
      if (!full) return original.apply(this, args);
      return Promise.reject(
        Object.assign(new Error(`IO error: ${this.location}/000003.log: No space left on device`), {
          code: 'LEVEL_IO_ERROR',
        }),
      );
    };
  }
}

try {
  if (options.path) await preflight(options.path);
} catch (e) {
  parentPort?.postMessage({ error: e.message, hint: e.hint, path: e.path });
  process.exit(1);
}
if (options.faults && !options.path) {
  parentPort?.postMessage({ error: 'fault injection needs a path (LevelDB on disk)' });
  process.exit(1);
}

const server = dynalite({
  ...(options.path ? { path: options.path } : {}),
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
});
server.once('error', (error) =>
  parentPort?.postMessage({ error: `cannot listen: ${error.message}`, hint: 'choose another port' }),
);
server.listen(options.port ?? 0, '127.0.0.1', () => {
  parentPort?.postMessage({ port: server.address().port });
});

// Requests from this process's own store arrive on a message port instead of a socket: the same
// request handler, the same DynamoDB protocol (JSON bodies, signed headers), without TCP, HTTP
// framing and parsing on both threads.
const handle = server.listeners('request')[0];
// Requests by operation name (local/embedded.ts `portTransport`, no SDK on the other side) get the
// headers dynalite requires: its JSON content type, the target, and a signature's form (dynalite
// checks that one is there, not what it says); their answers go back without headers.
const AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=local/20000101/local/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0';
const byOperation = new Map();
const headersOf = (operation) => {
  let headers = byOperation.get(operation);
  if (!headers) {
    headers = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      authorization: AUTHORIZATION,
      'x-amz-date': '20000101T000000Z',
    };
    byOperation.set(operation, headers);
  }
  return headers;
};
options.requests?.on('message', (message) => {
  const { id, body } = message;
  const direct = message.operation !== undefined;
  const req = new EventEmitter();
  if (direct) Object.assign(req, { method: 'POST', url: '/', headers: headersOf(message.operation) });
  else Object.assign(req, { method: message.method, url: message.path, headers: message.headers });
  const res = {
    statusCode: 200,
    contentType: undefined,
    shouldKeepAlive: true,
    headers: {},
    setHeader(name, value) {
      this.headers[name.toLowerCase()] = String(value);
    },
    end(data) {
      options.requests.postMessage(
        direct
          ? { id, status: this.statusCode, body: data ?? '' }
          : { id, status: this.statusCode, headers: this.headers, body: data ?? '' },
      );
    },
  };
  handle(req, res);
  // Bytes arrive as a Uint8Array of their own (moved here): wrapped, not copied.
  if (body.length > 0)
    req.emit(
      'data',
      typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.length),
    );
  req.emit('end');
});

parentPort?.on('message', (message) => {
  if (message === 'close') {
    // Closing the server (and dynalite's store with it) empties this thread's event loop: it ends.
    options.requests?.close();
    server.close(() => parentPort?.close());
  }
});
