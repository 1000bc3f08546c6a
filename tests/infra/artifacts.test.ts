/**
 * The deployed artifacts, not only the source: the stack is synthesized WITH bundling (the local
 * esbuild, as `cdk deploy` does), and every Lambda function in the template runs as its bundled
 * asset in its own Node process, with exactly the environment variables the template gives it
 * (references replaced by local resources: tables on DynamoDB Local created from the template's
 * key schema, secrets on a Secrets Manager stand-in) plus what the Lambda runtime sets. Requests
 * are routed by the template's HTTP API routes; stream records reach the indexer through its event
 * source mapping. The walkthrough drives every route the README shows.
 *
 * This is the only test that bundles (a few seconds); the other CDK tests skip bundling. One app
 * holds the default stack and a protected-reads variant, so one synth serves both.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { App } from 'aws-cdk-lib';
import type { APIGatewayProxyStructuredResultV2, DynamoDBBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KikigakiStack } from '../../infra/stack.ts';
import { openApiDocument } from '../../lib/api/openapi.ts';
import { dynamoLocalEndpoint } from '../helpers/dynamo.ts';
import { httpApiEvent } from '../helpers/events.ts';
import { type LocalS3, S3_CREDENTIALS, startS3 } from '../helpers/s3.ts';
import { available, corporaDir, read, repoRoot, samplesDir } from '../helpers/shared.ts';
import { LocalDeployment } from './deployed.ts';
import { type SecretsStandIn, startSecretsManager } from './secrets-manager.ts';
import { type SqsStandIn, startSqs } from './sqs.ts';

const endpoint = dynamoLocalEndpoint();
if (!endpoint) console.warn('skipping the artifact test: DynamoDB Local was not started (no java)');

type V2 = APIGatewayProxyStructuredResultV2;
interface Driven {
  method: string;
  path: string;
  status: number;
  functionId: string;
}

/** (method, OpenAPI path) of every `curl … $API/…` line of the README's HTTP API section. */
function readmeRoutes(): Array<{ method: string; path: string; line: string }> {
  const readme = read(join(repoRoot, 'README.md'));
  const section = readme.slice(
    readme.indexOf('## HTTP API'),
    readme.indexOf('\n## ', readme.indexOf('## HTTP API') + 5),
  );
  return section
    .split('\n')
    .filter((l) => /^curl\b/.test(l.trim()) && l.includes('$API/'))
    .map((line) => ({
      method: /-X\s+(\w+)/.exec(line)?.[1] ?? 'GET',
      path: /\$API(\/[^\s"'?]*)/.exec(line)?.[1] ?? '',
      line: line.trim(),
    }));
}

/** The OpenAPI path template a concrete path belongs to (null: the document does not have it). */
function templateOf(method: string, concrete: string): string | null {
  const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
  for (const [p, ops] of Object.entries(doc.paths)) {
    if (!(method.toLowerCase() in ops)) continue;
    const re = new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (re.test(concrete)) return p;
  }
  return null;
}

/** Stream reads are the event source mapping's, not the function code's. */
const STREAM_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];
const logicalIdIn = (stack: KikigakiStack, fn: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(fn.node.defaultChild as never);

let outdir = '';
let synthMs = 0;
let secrets: SecretsStandIn;
let s3: LocalS3;
let sqs: SqsStandIn;
const deployments: Record<'main' | 'protected', LocalDeployment> = {} as never;
const stacks: Record<'main' | 'protected', KikigakiStack> = {} as never;

describe.runIf(endpoint)('the synthesized, bundled stack on loopback', () => {
  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'kk-artifacts-'));
    const t0 = performance.now();
    const app = new App({ outdir, builtinCloudFormationValidation: false, stackTraces: false });
    stacks.main = new KikigakiStack(app, 'Kikigaki');
    stacks.protected = new KikigakiStack(app, 'KikigakiProtected', { protectReads: true });
    app.synth();
    synthMs = performance.now() - t0;
    console.info(`artifact test: synth with bundling ${Math.round(synthMs)} ms`);
    secrets = await startSecretsManager();
    s3 = await startS3();
    sqs = await startSqs();
    for (const [key, stackName] of [
      ['main', 'Kikigaki'],
      ['protected', 'KikigakiProtected'],
    ] as const) {
      deployments[key] = new LocalDeployment(outdir, stackName, {
        dynamodb: endpoint as string,
        secrets,
        s3: s3.endpoint,
        sqs,
      });
      await deployments[key].provision();
    }
  });

  afterAll(async () => {
    for (const d of Object.values(deployments)) d?.stop();
    await secrets?.close();
    await s3?.close();
    await sqs?.close();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it('every function of every stack starts from its bundle with exactly its template environment', async () => {
    const failures: string[] = [];
    let started = 0;
    for (const d of Object.values(deployments)) {
      for (const fn of d.functions()) {
        try {
          await d.start(fn.id);
          started++;
        } catch (e) {
          failures.push(
            String((e as Error).message)
              .split('\n')
              .slice(0, 2)
              .join(' '),
          );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(started).toBeGreaterThanOrEqual(6);
  }, 90_000);

  it("bundles carry zod's English messages only (`import * as z` lets esbuild drop its other locales, ~264 KB) and source maps without sources", () => {
    const api = deployments.main.function(deployments.main.route('GET', '/search').functionId);
    const code = (fn: { taskRoot: string }) => readFileSync(join(fn.taskRoot, 'index.mjs'), 'utf8');
    expect(code(api).includes('Invalid input: expected')).toBe(true);
    // Booleans, not the bundle: a failure names the function without printing megabytes.
    const localized = deployments.main
      .functions()
      .filter((fn) => ['Eingabe: erwartet', 'Entrada inv'].some((m) => code(fn).includes(m))) // de, es
      .map((fn) => fn.id);
    expect(localized, 'bundles with zod locales (a value `import { z } from "zod"` somewhere)').toEqual([]);
    // Source maps name files and lines only: the sources themselves would double each asset.
    const withSources = deployments.main
      .functions()
      .filter((fn) => {
        const map = JSON.parse(readFileSync(join(fn.taskRoot, 'index.mjs.map'), 'utf8')) as {
          sources: string[];
          sourcesContent?: unknown[];
        };
        return map.sources.length === 0 || (map.sourcesContent ?? []).some((x) => x !== null);
      })
      .map((fn) => fn.id);
    expect(withSources, 'bundles whose source map carries the sources').toEqual([]);
  });

  it('bundles keep Japanese literals as UTF-8 (esbuild `--charset=utf8`), not as \\uXXXX escapes twice their size', () => {
    const code = (fn: { taskRoot: string }) => readFileSync(join(fn.taskRoot, 'index.mjs'), 'utf8');
    // Counts per function, not the bundle: a failure names the function without printing megabytes.
    // With esbuild's default (ascii) the API bundle had ~66k escaped kana/kanji and ~2k written out
    // (template literals); with utf8, ~67k written out and ~500 escaped (regex literals, kept verbatim).
    const counts = deployments.main.functions().map((fn) => {
      const s = code(fn);
      return {
        id: fn.id,
        escaped: (s.match(/\\u(?:30[4-9a-f]|[4-9][0-9a-f]{2})[0-9a-f]/gi) ?? []).length,
        written: (s.match(/[\u3040-\u30ff\u4e00-\u9fff]/g) ?? []).length,
      };
    });
    expect(
      counts.filter((c) => c.escaped > 5_000).map((c) => c.id),
      'bundles with more than 5,000 escaped kana/kanji',
    ).toEqual([]);
    const api = deployments.main.route('GET', '/search').functionId;
    expect(counts.find((c) => c.id === api)?.written ?? 0).toBeGreaterThan(20_000);
  });

  describe('default settings: the README, route by route, through the deployed shape', () => {
    const driven: Driven[] = [];
    let d: LocalDeployment;
    let writeToken = '';

    async function http(
      method: string,
      urlPath: string,
      opts: { query?: Record<string, string>; body?: unknown; text?: string; token?: string | null } = {},
    ) {
      d = deployments.main;
      const r = d.route(method, urlPath);
      const headers: Record<string, string> = {};
      const token = opts.token === undefined ? writeToken : opts.token;
      if (token && method !== 'GET') headers.authorization = `Bearer ${token}`;
      if (token && (urlPath.startsWith('/admin/') || urlPath === '/audit'))
        headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (opts.text !== undefined) {
        headers['content-type'] = 'text/plain; charset=utf-8';
        body = opts.text;
      } else if (opts.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(opts.body);
      }
      const base = httpApiEvent({
        method,
        path: urlPath,
        ...(opts.query ? { query: opts.query } : {}),
        headers,
        ...(body !== undefined ? { body, base64: opts.text !== undefined } : {}),
      }) as unknown as { requestContext: object };
      // The route API Gateway matched, as it reports it to the integration.
      const event = {
        ...base,
        routeKey: r.routeKey,
        pathParameters: r.proxy ? { proxy: r.proxy } : undefined,
        requestContext: { ...base.requestContext, routeKey: r.routeKey },
      };
      const container = await d.container(r.functionId);
      const res = await container.invoke<V2>(event);
      const status = res.statusCode ?? 0;
      if (status >= 500)
        throw new Error(`${method} ${urlPath}: ${status}\n${container.logs.slice(-30).join('\n')}`);
      driven.push({ method, path: urlPath, status, functionId: r.functionId });
      const text = res.isBase64Encoded
        ? Buffer.from(String(res.body), 'base64').toString('utf8')
        : String(res.body);
      return {
        status,
        json: JSON.parse(text) as Record<string, unknown> & { [k: string]: never },
        functionId: r.functionId,
        headers: (res.headers ?? {}) as Record<string, unknown>,
      };
    }

    /** A new container of the read function: a cold start that loads the latest snapshot. */
    async function coldRead() {
      const r = d.route('GET', '/search');
      await d.start(r.functionId);
    }

    const logicalId = (fn: { node: { defaultChild?: unknown } }) =>
      stacks.main.getLogicalId(fn.node.defaultChild as never);

    /** Streams → forwarder → FIFO queue → indexer, as the event source mappings deliver. */
    async function index() {
      const { delivered, responses } = await d.pollStream(logicalId(stacks.main.forwarderFunction));
      expect(delivered.length).toBeGreaterThan(0);
      for (const r of responses) expect((r as DynamoDBBatchResponse).batchItemFailures).toEqual([]);
      const { batches, failed } = await d.pollQueue(logicalId(stacks.main.indexerFunction));
      expect(batches).toBeGreaterThan(0);
      expect(failed).toEqual([]);
    }

    /**
     * A job started over the API (202, Location) runs on the indexer: its steps travel on the
     * FIFO queue, each sending the next, until the queue is empty; then its record says done.
     */
    async function job(path: string) {
      const started = await http('POST', path);
      expect(started.status).toBe(202);
      const id = (started.json.job as unknown as { id: string }).id;
      expect((await http('GET', `/admin/jobs/${id}`)).json).toMatchObject({ state: 'queued' });
      const { batches, failed } = await d.pollQueue(logicalId(stacks.main.indexerFunction));
      expect(failed).toEqual([]);
      expect(batches).toBeGreaterThan(0);
      const record = await http('GET', `/admin/jobs/${id}`);
      expect(record.status).toBe(200);
      expect(record.json).toMatchObject({ id, state: 'done', error: null, errors: [] });
      return record.json as unknown as {
        steps: number;
        pages: number;
        result: Record<string, number>;
        ids: Record<string, string[]>;
      };
    }

    beforeAll(async () => {
      d = deployments.main;
      // As the README says: the token is in the secret named by the stack outputs.
      writeToken = await d.secretValue(d.output('TokenSecretArn'));
      expect(writeToken).toMatch(/^[A-Za-z0-9]{40}$/);
    });

    it('health, ingest, Streams indexer, search, listings, tags, admin, delete', async () => {
      const health = await http('GET', '/health');
      expect(health.status).toBe(200);
      expect(health.json.index).toMatchObject({ quotes: 0 });

      expect((await http('POST', '/interviews', { token: null, text: 'x' })).status).toBe(401);
      const preview = await http('POST', '/interviews/preview', {
        text: read(join(samplesDir, '01-blog-haruka-1.txt')),
      });
      expect(preview.status).toBe(200);
      const kao = await http('POST', '/interviews', {
        query: { id: 'kao-2' },
        text: read(join(samplesDir, '01-blog-haruka-1.txt')),
      });
      expect(kao.status).toBe(201);
      const put = await http('PUT', '/interviews/kao-2', {
        query: { format: 'blog' },
        text: read(join(samplesDir, '01-blog-haruka-1.txt')),
      });
      expect(put.status).toBe(200);
      // A method no route takes reaches the app (API Gateway routes PATCH to the write function):
      // the 405 with Allow that npm start answers, not API Gateway's bare 404.
      const patch = await http('PATCH', '/interviews/kao-2', { body: { title: 'x' } });
      expect(patch.status).toBe(405);
      expect(patch.headers.allow).toBe('GET, HEAD, PUT, DELETE');
      expect(patch.json.error).toMatchObject({ code: 'method_not_allowed' });
      expect(
        (
          await http('POST', '/interviews', {
            query: { id: 'sora' },
            text: read(join(samplesDir, '05-dash-sora.txt')),
          })
        ).status,
      ).toBe(201);

      await index();
      // The indexer published the snapshot as one object in the stack's bucket.
      const bucket = d.resolve({
        Ref: stacks.main.getLogicalId(stacks.main.snapshotBucket.node.defaultChild as never),
      });
      const objects = await new S3Client({
        endpoint: s3.endpoint,
        region: 'eu-west-1',
        credentials: S3_CREDENTIALS,
      }).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'index/parts/' }));
      expect(objects.KeyCount).toBe(1);
      await coldRead();
      const found = await http('GET', '/search', { query: { q: 'クラウドソーシング', limit: '3' } });
      expect(found.status).toBe(200);
      expect(found.json.total).toBeGreaterThan(0);
      const hit = (
        found.json.hits as unknown as Array<{ quoteId: string; speaker: { id: string; role: string } }>
      )[0];
      expect(hit?.quoteId).toMatch(/^kao-2-t\d+$/);
      expect(
        (await http('GET', '/search', { query: { q: '時差 打合せ', speaker: 'interviewee' } })).status,
      ).toBe(200);
      expect((await http('GET', '/search', { query: { q: '', tag: 'crowdsourcing' } })).status).toBe(200);

      const list = await http('GET', '/interviews', { query: { limit: '5' } });
      expect((list.json.interviews as unknown as unknown[]).length).toBe(2);
      const one = await http('GET', '/interviews/kao-2');
      expect(one.status).toBe(200);
      const person = (one.json.interviewees as unknown as Array<{ id: string }>)[0]?.id ?? '';
      expect((await http('GET', '/tags')).status).toBe(200);
      expect((await http('GET', '/tags/crowdsourcing/quotes', { query: { limit: '10' } })).status).toBe(200);
      expect((await http('GET', '/interviewees', { query: { tag: 'crowdsourcing' } })).status).toBe(200);
      expect((await http('GET', `/interviewees/${person}`)).status).toBe(200);
      const quoteId = hit?.quoteId ?? '';
      expect((await http('GET', `/quotes/${quoteId}`)).status).toBe(200);
      expect(
        (await http('POST', `/quotes/${quoteId}/tags`, { body: { tags: ['tools'], expectedVersion: 0 } }))
          .status,
      ).toBe(200);
      expect(
        (await http('DELETE', `/quotes/${quoteId}/tags/tools`, { query: { expectedVersion: '1' } })).status,
      ).toBe(200);
      expect(
        (
          await http('PUT', `/interviewees/${person}/tags`, {
            body: { tags: ['mentor'], expectedVersion: 0 },
          })
        ).status,
      ).toBe(200);
      expect((await http('GET', '/suggest', { query: { q: 'クラ' } })).status).toBe(200);
      expect((await http('GET', '/topics')).status).toBe(200);
      expect((await http('GET', '/openapi.json')).status).toBe(200);
      expect((await http('POST', '/tags/tools/merge', { body: { into: 'crowdsourcing' } })).status).toBe(200);
      // The tag routes of the README (issue 14): merges listed and undone, interviewee tags added
      // and removed with their version, a bulk edit's preview, the audit trail, taxonomy edits.
      const merges = await http('GET', '/merges');
      expect(merges.status).toBe(200);
      const mergeId = (merges.json.merges as unknown as Array<{ id: string }>)[0]?.id ?? '';
      expect((await http('POST', `/merges/${mergeId}/undo`)).status).toBe(200);
      expect(
        (
          await http('POST', `/interviewees/${person}/tags`, {
            body: { tags: ['coach'], expectedVersion: 1 },
          })
        ).status,
      ).toBe(200);
      const profile = await http('GET', `/interviewees/${person}`);
      const someTag = (profile.json.tags as unknown as Array<{ id: string; source: string }>).find(
        (t) => t.source === 'topic',
      )?.id;
      expect(
        (await http('DELETE', `/interviewees/${person}/tags/${someTag}`, { query: { expectedVersion: '2' } }))
          .status,
      ).toBe(200);
      expect(
        (
          await http('POST', '/bulk/tags', {
            body: { search: { q: 'ランサーズ' }, add: ['platforms'], dryRun: true },
          })
        ).status,
      ).toBe(200);
      expect((await http('GET', '/audit', { query: { tag: 'crowdsourcing' } })).status).toBe(200);
      // The people routes of the README (issue 13 §4): who speaks a quote, rename, split, merge.
      const who = await http('GET', `/interviewees/${person}/person`);
      expect(who.status).toBe(200);
      expect(
        (await http('PUT', `/quotes/${quoteId}/speaker`, { body: { personId: person, expectedVersion: 0 } }))
          .status,
      ).toBe(200);
      expect(
        (
          await http('POST', `/interviewees/${person}/rename`, {
            body: { reading: 'かお', expectedVersion: Number(who.json.version) },
          })
        ).status,
      ).toBe(200);
      const split = await http('POST', `/interviewees/${person}/split`, {
        body: { quoteIds: [quoteId], name: '別の人' },
      });
      expect(split.status).toBe(201);
      expect(
        (await http('POST', `/interviewees/${String(split.json.id)}/merge`, { body: { into: person } }))
          .status,
      ).toBe(200);
      // Possible duplicates: a read route beside /interviewees/{id}, which must not take it for an id.
      const duplicates = await http('GET', '/interviewees/duplicates');
      expect(duplicates.status).toBe(200);
      expect(Array.isArray(duplicates.json.groups)).toBe(true);
      const taxonomy = await http('GET', '/topics');
      const v = Number(taxonomy.json.version);
      expect(
        (
          await http('PUT', '/topics/remote-timezone', {
            body: { expectedVersion: v, evidence: [{ phrase: '時差', weight: 1, unless: ['時差ボケ'] }] },
          })
        ).status,
      ).toBe(200);
      const topic = {
        id: 'camping',
        label: 'キャンプ',
        labelEn: 'Camping',
        description: '',
        evidence: [{ phrase: 'キャンプ場', weight: 1 }],
      };
      expect((await http('POST', '/topics', { body: { topic, expectedVersion: v + 1 } })).status).toBe(201);
      expect((await http('GET', '/topics/versions')).status).toBe(200);
      expect(
        (await http('DELETE', '/topics/camping', { query: { expectedVersion: String(v + 2) } })).status,
      ).toBe(200);
      // A deleted topic is read back from the version that had it.
      const had = await http('GET', `/topics/versions/${v + 2}`);
      expect(had.status).toBe(200);
      expect((had.json.topics as unknown as Array<{ id: string }>).map((t) => t.id)).toContain('camping');
      // The read function is another container: it re-reads the taxonomy at most every 5 s
      // (StoredTaggers' refreshMs), so the deletion reaches it within that, not at once. Under
      // load the steps above can outlast a refresh and leave it holding the version with camping.
      const deadline = Date.now() + 12_000;
      let topicStatus = (await http('GET', '/topics/camping')).status;
      while (topicStatus !== 404 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        topicStatus = (await http('GET', '/topics/camping')).status;
      }
      expect(topicStatus).toBe(404);
      await index();

      // Admin routes must reach a function that holds the write token; their work runs as jobs
      // whose steps travel on the indexing queue to the indexer.
      expect((await http('POST', '/admin/consistency', { token: null })).status).toBe(401);
      const consistency = await job('/admin/consistency');
      expect(consistency.result).toMatchObject({ checked: 2, missing: 0, extra: 0 });
      expect((await job('/admin/consistency/repair')).result).toMatchObject({ repaired: 0 });
      // A rebuild: retrain, (re-score,) every interview re-read into the published index, sweep.
      const published = () =>
        new S3Client({ endpoint: s3.endpoint, region: 'eu-west-1', credentials: S3_CREDENTIALS }).send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: 'index/parts/' }),
        );
      const before = new Set(((await published()).Contents ?? []).map((o) => o.Key));
      const rebuild = await job('/admin/reindex');
      expect(rebuild.steps).toBeGreaterThanOrEqual(3);
      expect(rebuild.result).toMatchObject({ indexed: 2 });
      const steps = d
        .started()
        .filter((c) => c.spec.id === logicalId(stacks.main.indexerFunction))
        .flatMap((c) => c.logs)
        .filter((l) => l.includes('"message":"job step"'))
        .map((l) => JSON.parse(l) as { outcome: string });
      expect(steps.filter((x) => x.outcome === 'finished').length).toBeGreaterThanOrEqual(3);
      // It published a new snapshot object.
      expect(((await published()).Contents ?? []).some((o) => !before.has(o.Key))).toBe(true);
      await coldRead();
      expect(
        (await http('GET', '/search', { query: { q: 'クラウドソーシング', limit: '3' } })).json.total,
      ).toBeGreaterThan(0);

      expect((await http('DELETE', '/interviews/kao-2')).status).toBe(200);
      await index();
      await coldRead();
      const after = await http('GET', '/search', { query: { q: 'クラウドソーシング' } });
      expect(
        (after.json.hits as unknown as Array<{ quoteId: string }>).some((h) =>
          h.quoteId.startsWith('kao-2-'),
        ),
      ).toBe(false);
      expect((await http('GET', '/health')).json.index).toMatchObject({ interviews: 1 });
    }, 240_000);

    it('concurrent writers, one indexer: no update is lost, and a replay of the whole stream changes nothing', async () => {
      const writeId = d.route('POST', '/interviews').functionId;
      // Three warm write containers, as Lambda scales out under concurrent requests.
      const writers = await Promise.all([d.start(writeId), d.start(writeId), d.start(writeId)]);
      const ingest = (c: (typeof writers)[number], id: string, answer: string) =>
        c.invoke<V2>(
          httpApiEvent({
            method: 'PUT',
            path: `/interviews/${id}`,
            headers: { 'content-type': 'text/plain', authorization: `Bearer ${writeToken}` },
            body: `聞き手：最近のお仕事は？\n山田：${answer}`,
          }),
        );
      const results = await Promise.all(
        writers.flatMap((c, w) => [
          ...[0, 1, 2, 3].map((k) => ingest(c, `race-${w}-${k}`, `並行書き込み${w}${k}の回答です。`)),
          ingest(c, 'race-same', `同じインタビューを書き手${w}が上書きしました。`),
        ]),
      );
      expect(results.map((r) => r.statusCode).every((s) => s === 200 || s === 201)).toBe(true);
      await index();
      const check = await job('/admin/consistency');
      expect(check.result).toMatchObject({ missing: 0, extra: 0, stale: 0 });
      expect(check.result.checked).toBeGreaterThanOrEqual(13);
      // The latest write of the contended interview is what search serves.
      await coldRead();
      const same = await http('GET', '/interviews/race-same');
      const last = (same.json.turns as unknown as Array<{ text: string }>)[1]?.text ?? '';
      const found = await http('GET', '/search', { query: { q: '上書き', interview: 'race-same' } });
      expect((found.json.hits as unknown as Array<{ text: string }>).map((h) => h.text)).toEqual([last]);
      for (let w = 0; w < 3; w++)
        for (let k = 0; k < 4; k++)
          expect(
            (await http('GET', '/search', { query: { q: `並行書き込み${w}${k}` } })).json.total,
          ).toBeGreaterThan(0);
      // Replaying every record from TRIM_HORIZON (a recreated mapping) converges to the same index.
      d.rewindStreams();
      await index();
      expect((await job('/admin/consistency')).result).toMatchObject({ missing: 0, extra: 0, stale: 0 });
      // A new indexer container (Lambda replaced the warm one) continues from the published
      // snapshot, which it reads from the bucket.
      await d.start(logicalId(stacks.main.indexerFunction));
      expect((await job('/admin/consistency')).result).toMatchObject({ missing: 0, extra: 0, stale: 0 });
    }, 240_000);

    it('kana typed for a kanji word finds it, as under npm start: the bundled indexer indexes kuromoji readings, the read function ships no dictionary', async () => {
      const indexerFn = d.function(logicalId(stacks.main.indexerFunction));
      const readFn = d.function(d.route('GET', '/search').functionId);
      // The indexer's asset carries kuromoji's dictionary where its KUROMOJI_DICT points; the API
      // bundle holds neither the dictionary nor kuromoji's loader.
      const dict = join(indexerFn.taskRoot, indexerFn.environment.KUROMOJI_DICT ?? '');
      expect(existsSync(join(dict, 'base.dat.gz'))).toBe(true);
      expect(readFileSync(join(indexerFn.taskRoot, 'index.mjs'), 'utf8')).toContain('tid_pos.dat.gz');
      expect(readdirSync(readFn.taskRoot).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      expect(readFileSync(join(readFn.taskRoot, 'index.mjs'), 'utf8')).not.toContain('tid_pos.dat.gz');
      expect(readFn.environment.KUROMOJI_DICT).toBeUndefined();

      const text =
        '聞き手：この一年で、暮らしに大きな変化はありましたか？\n' +
        '美咲：去年の春に結婚して、夫の転勤で大阪に移りました。仕事は在宅で続けています。\n';
      expect(text).not.toMatch(/けっこん|ケッコン/);
      expect((await http('POST', '/interviews', { query: { id: 'kekkon' }, text })).status).toBe(201);
      await index();
      await coldRead();
      const found = await http('GET', '/search', { query: { q: 'けっこん' } });
      expect(found.status).toBe(200);
      const hits = found.json.hits as unknown as Array<{ quoteId: string; text: string }>;
      expect(hits.map((h) => h.quoteId)).toContain('kekkon-t002');
      expect(hits.find((h) => h.quoteId === 'kekkon-t002')?.text).toContain('結婚');
      // A kana verb, inflected, finds its kanji spelling (移りました) through the dictionary-form
      // reading the bundled indexer read.
      const verb = await http('GET', '/search', { query: { q: 'うつった' } });
      const verbHits = verb.json.hits as unknown as Array<{ quoteId: string; highlight: { html: string } }>;
      expect(verbHits.map((h) => h.quoteId)).toEqual(['kekkon-t002']);
      // The read function, which has no dictionary, marks the verb as written: the indexer kept
      // its written form (移る) beside the reading.
      expect(verbHits[0]?.highlight.html).toContain('大阪に<mark>移りました</mark>');
      // The dictionary was loaded by the indexer (inside an invocation, so the line has its id).
      const loaded = d
        .started()
        .filter((c) => c.spec.id === indexerFn.id)
        .flatMap((c) => c.logs)
        .map((l) => JSON.parse(l) as { message?: string; ms?: number })
        .filter((l) => l.message === 'readings dictionary loaded');
      expect(loaded.length).toBeGreaterThan(0);
      console.info(
        `artifact test: indexer loaded the kuromoji dictionary in ${loaded.map((l) => l.ms).join(', ')} ms`,
      );
    }, 240_000);

    it('a real magazine interview (livedoor, dash layout) goes in through the write function and comes out of the read function with its answers credited to the interviewee', async () => {
      const file = join(corporaDir, 'livedoor-interviews', 'livedoor-homme', 'livedoor-homme-4826452.txt');
      if (!available(file, 'the deployed-shape check on a real interview')) return;
      const ingest = await http('POST', '/interviews', { text: read(file) });
      expect(ingest.status).toBe(201);
      await index();
      await coldRead();
      // 悔しさ is in answers that follow `——` questions without a name prefix.
      const found = await http('GET', '/search', { query: { q: '悔しさ', speaker: 'interviewee' } });
      expect(found.status).toBe(200);
      const hits = found.json.hits as unknown as Array<{
        interviewId: string;
        text: string;
        speaker: { name: string; role: string };
        question: { text: string } | null;
      }>;
      const hit = hits.find((h) => h.interviewId.includes('4826452') && h.text.includes('悔しさ'));
      expect(hit?.speaker).toMatchObject({ name: '田中尚子', role: 'interviewee' });
      // The question it answers is the `——` paragraph before it, its dash stripped.
      expect(hit?.question?.text).toMatch(/^[^—―]/);
    }, 240_000);

    it('the console the README says the deployed API serves: the page, the reader and its script, from the read bundle', async () => {
      const browser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
      const get = async (urlPath: string, query?: Record<string, string>) => {
        const r = d.route('GET', urlPath);
        const base = httpApiEvent({
          method: 'GET',
          path: urlPath,
          ...(query ? { query } : {}),
          headers: browser,
        }) as unknown as Record<string, unknown>;
        const event = {
          ...base,
          routeKey: r.routeKey,
          pathParameters: r.proxy ? { proxy: r.proxy } : undefined,
        };
        const res = await (await d.container(r.functionId)).invoke<V2>(event);
        const body = res.isBase64Encoded
          ? Buffer.from(String(res.body), 'base64').toString('utf8')
          : String(res.body);
        return {
          status: res.statusCode,
          type: String(res.headers?.['content-type'] ?? ''),
          body,
          functionId: r.functionId,
        };
      };
      const page = await get('/', { q: 'ランサーズ' });
      expect(page.status).toBe(200);
      expect(page.type).toMatch(/^text\/html/);
      expect(page.functionId).toBe(d.route('GET', '/search').functionId);
      expect(page.body).toContain('<mark>ランサーズ</mark>');
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1] ?? '';
      const asset = await get(script);
      expect(asset.status).toBe(200);
      expect(asset.type).toMatch(/javascript/);
      expect(asset.body.length).toBeGreaterThan(1000);
      expect((await get('/interviews/sora')).body).toContain('<h1 id="reader-title">');
    });

    it('drove every route the README shows, each answered below 400', () => {
      const routes = readmeRoutes();
      expect(routes.length).toBeGreaterThan(15);
      const unknown = routes.filter((r) => templateOf(r.method, r.path) === null).map((r) => r.line);
      expect(unknown, 'README routes missing from the OpenAPI document').toEqual([]);
      const ok = new Set(
        driven.filter((x) => x.status < 400).map((x) => `${x.method} ${templateOf(x.method, x.path)}`),
      );
      const missed = routes
        .filter((r) => !ok.has(`${r.method} ${templateOf(r.method, r.path)}`))
        .map((r) => r.line);
      expect(missed).toEqual([]);
    });
  });

  it('every log line is Powertools JSON naming its function and the Lambda request id; snapshot metrics leave as EMF', () => {
    const d = deployments.main;
    const lines = d.started().flatMap((c) => c.logs.map((line) => ({ c, line })));
    expect(lines.length).toBeGreaterThan(20);
    const metrics = new Set<string>();
    const services = new Set<string>();
    for (const { c, line } of lines) {
      const json = JSON.parse(line) as Record<string, unknown>;
      // Each function has its own service name: on its log lines and as its metrics' dimension.
      const service = `kikigaki-${c.spec.environment.FUNCTION_ROLE}`;
      expect(json.service, line).toBe(service);
      services.add(service);
      const emf = json._aws as {
        CloudWatchMetrics?: Array<{
          Namespace: string;
          Dimensions: string[][];
          Metrics: Array<{ Name: string }>;
        }>;
      };
      if (emf?.CloudWatchMetrics) {
        for (const m of emf.CloudWatchMetrics) {
          expect(m.Namespace).toBe('Kikigaki');
          expect(m.Dimensions.flat()).toContain('service');
          for (const x of m.Metrics) metrics.add(x.Name);
        }
        continue;
      }
      expect(json).toMatchObject({ function_name: c.spec.id });
      expect(c.requestIds).toContain(json.function_request_id);
    }
    expect([...services].sort()).toEqual([
      'kikigaki-forwarder',
      'kikigaki-indexer',
      'kikigaki-read',
      'kikigaki-write',
    ]);
    for (const name of ['ColdStart', 'SnapshotLoadMs', 'SnapshotLoadBytes', 'SnapshotPublishMs'])
      expect(metrics).toContain(name);
    // API calls also carry API Gateway's request id.
    expect(lines.some(({ line }) => /"apiRequestId":"req-/.test(line))).toBe(true);
  });

  it('protected reads: the read function answers with the read-only token, 401 without, and never writes', async () => {
    const d = deployments.protected;
    const readToken = await d.secretValue(d.output('ReadTokenSecretName'));
    const call = async (method: string, p: string, token: string | null, query?: Record<string, string>) => {
      const r = d.route(method, p);
      const event = httpApiEvent({
        method,
        path: p,
        ...(query ? { query } : {}),
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      const container = await d.container(r.functionId);
      const status = (await container.invoke<V2>(event)).statusCode ?? 0;
      if (status >= 500)
        throw new Error(`${method} ${p}: ${status}\n${container.logs.slice(-30).join('\n')}`);
      return status;
    };
    expect(await call('GET', '/health', null)).toBe(200);
    expect(await call('GET', '/search', null, { q: 'x' })).toBe(401);
    expect(await call('GET', '/search', readToken, { q: 'x' })).toBe(200);
    expect(await call('GET', '/interviews', readToken)).toBe(200);
    expect(await call('DELETE', '/interviews/x', readToken)).toBe(401);
    expect(await call('POST', '/admin/consistency', readToken)).toBe(401);
    expect(await call('GET', '/admin/jobs/job-x', readToken)).toBe(401);
  });

  it("each function's DynamoDB and S3 calls pass its execution role, and every table and snapshot grant is used", async () => {
    // Run last: the walks above went through the gates (tests/infra/iam-gate.ts), which refuse
    // an action the template's role does not allow as AWS would (the request then fails above).
    const granted = (d: LocalDeployment, id: string) =>
      d.grantedActions(id).filter((a) => /^(dynamodb|s3):/.test(a) && a !== 'dynamodb:ListStreams');
    const unused: Record<string, string[]> = {};
    for (const [name, d] of Object.entries(deployments)) {
      const used = await d.actionsUsed();
      for (const [id, u] of Object.entries(used)) {
        expect(u.denied, `${name} ${id} was refused`).toEqual([]);
        // The main stack's walk drives every route and job; the protected one only a few reads.
        if (name !== 'main') continue;
        const idle = granted(d, id).filter((g) => !u.used.includes(g) && !STREAM_ACTIONS.includes(g));
        if (idle.length > 0) unused[d.function(id).description] = idle.sort();
      }
    }
    console.info(
      `artifact test: actions used per function ${JSON.stringify(await deployments.main.actionsUsed())}`,
    );
    // Grants the walk does not use, each with why it stays (all the indexer's): deleting the parts
    // a publish uploaded before losing its conditional switch (a conflict, which one indexer by
    // construction does not meet here), and the batch writes and deletes of job steps that rewrite
    // memberships (a repair that finds drift, a re-score or merge of many quotes), which these
    // few interviews do not need. Any other grant nobody uses fails here.
    const indexer = deployments.main.function(logicalIdIn(stacks.main, stacks.main.indexerFunction));
    expect(unused).toEqual({
      [indexer.description]: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 's3:DeleteObject'],
    });
  });
});
